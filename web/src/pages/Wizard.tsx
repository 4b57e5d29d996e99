import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { BacktestBody, ModeInfo, Problem, ShareClass } from '../api/types';
import { ErrorNote, ProgressBar, Skeleton } from '../components/ui';
import { amount, day, humanize, pct, signClass, span } from '../format';
import { useApi, useDebounced, useRunProgress } from '../hooks';
import { href } from '../router';
import { SchemaForm, relativePath, type ProblemsByPath } from './SchemaForm';

interface ValidateAnswer {
  ok: true;
  mode: string;
  window: { start: string; end: string };
  config: Record<string, unknown>;
  diff: { path: string; default: unknown; value: unknown }[];
}

interface FlowRow {
  readonly at: string;
  readonly amount: string;
}

const STEPS = ['Share class', 'Mode', 'Capital & window', 'Parameters', 'Review'] as const;

const SHARE_CLASSES: readonly { id: ShareClass; text: string }[] = [
  { id: 'USDT', text: 'Book kept and reported in USDT. Yield from lending, funding and hedged staking; ETH price moves are hedged out.' },
  { id: 'ETH', text: 'Book kept and reported in ETH. Yield from staking and lending on ETH; the USD value moves with the ETH price.' },
];

type Validation = { readonly state: 'idle' | 'checking' } | { readonly state: 'ok'; readonly answer: ValidateAnswer; readonly key: string } | { readonly state: 'error'; readonly error: ApiError | Error; readonly key: string };

function isoStart(d: string): string {
  return `${d}T00:00:00Z`;
}

/** Local checks that need no server: the form can say at once that a date is outside the data window. */
function localProblems(mode: ModeInfo | undefined, capital: string, start: string, end: string, flows: readonly FlowRow[]): Problem[] {
  const out: Problem[] = [];
  const c = Number(capital);
  if (capital.trim() === '' || !Number.isFinite(c) || c <= 0) out.push({ code: 'FORM', path: 'capital', message: 'capital must be a number above 0', received: capital });
  const lo = day(mode?.window?.start);
  const hi = day(mode?.window?.end);
  if (start === '') out.push({ code: 'FORM', path: 'start', message: 'pick a start date' });
  else if (mode?.window && (start < lo || start > hi)) out.push({ code: 'FORM', path: 'start', message: `start must be inside the data window ${lo} → ${hi}`, received: start });
  if (end === '') out.push({ code: 'FORM', path: 'end', message: 'pick an end date' });
  else if (mode?.window && (end < lo || end > hi)) out.push({ code: 'FORM', path: 'end', message: `end must be inside the data window ${lo} → ${hi}`, received: end });
  if (start !== '' && end !== '' && end <= start) out.push({ code: 'FORM', path: 'end', message: 'end must be after start', received: end });
  flows.forEach((f, i) => {
    if (f.at === '') out.push({ code: 'FORM', path: `flows.${i}.at`, message: 'pick a time' });
    else if (start !== '' && end !== '' && (f.at.slice(0, 10) < start || f.at.slice(0, 10) > end)) out.push({ code: 'FORM', path: `flows.${i}.at`, message: 'the flow must fall inside the backtest window', received: f.at });
    const a = Number(f.amount);
    if (f.amount.trim() === '' || !Number.isFinite(a) || a === 0) out.push({ code: 'FORM', path: `flows.${i}.amount`, message: 'a signed amount: + deposit, − withdrawal', received: f.amount });
  });
  return out;
}

/** A problem's path in the wizard's terms: the route names body fields ("body.capital"), config validation names the mode section ("modes.btc_basis.initialCapital"). */
function fieldPath(path: string | undefined): string {
  const p = (path ?? '').replace(/\[(\d+)\]/g, '.$1').replace(/^body\./, '').replace(/^modes\.[^.]+\./, '');
  return p === 'initialCapital' ? 'capital' : p;
}

function isStrategy(p: Problem): boolean {
  return fieldPath(p.path).startsWith('strategy');
}

function byPath(problems: readonly Problem[], root: string | null): Map<string, Problem[]> {
  const m = new Map<string, Problem[]>();
  for (const p of problems) {
    const key = root === null ? fieldPath(p.path) : relativePath(fieldPath(p.path), root);
    m.set(key, [...(m.get(key) ?? []), p]);
  }
  return m;
}

function Problems({ list, id }: { list: readonly Problem[] | undefined; id?: string }): React.JSX.Element | null {
  if (!list || list.length === 0) return null;
  return (
    <ul className="field-problems" id={id} data-testid="field-problem">
      {list.map((p, i) => (
        <li key={i}>{p.message}{p.expected !== undefined ? ` — expected ${p.expected}` : ''}{p.received !== undefined ? `, found ${p.received}` : ''}</li>
      ))}
    </ul>
  );
}

function flatten(value: unknown, prefix: string, out: [string, unknown][]): [string, unknown][] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else out.push([prefix, value]);
  return out;
}

function show(v: unknown): string {
  if (v === undefined) return '–';
  if (typeof v === 'number') return v.toLocaleString('en-US', { maximumFractionDigits: 10 });
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map(show).join(', ');
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** The new-backtest wizard: five steps, state kept when going back, validated by the server as you type. */
export function Wizard(): React.JSX.Element {
  const [step, setStep] = useState(0);
  const [shareClass, setShareClass] = useState<ShareClass | null>(null);
  const [modeName, setModeName] = useState<string | null>(null);
  const [capital, setCapital] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [flows, setFlows] = useState<readonly FlowRow[]>([]);
  const [strategy, setStrategy] = useState<Record<string, unknown>>({});
  const [formKey, setFormKey] = useState(0);
  const [label, setLabel] = useState('');
  const [validation, setValidation] = useState<Validation>({ state: 'idle' });
  const [submitError, setSubmitError] = useState<Error | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [runId, setRunId] = useState<string | null>(null);
  const [modes] = useApi<{ modes: ModeInfo[] }>('modes');
  const mode = modes.state === 'ok' ? modes.data.modes.find((m) => m.name === modeName) : undefined;
  const progress = useRunProgress(runId, runId === null ? null : 'queued');
  const bodyRef = useRef<HTMLDivElement>(null);
  const firstStep = useRef(true);
  useEffect(() => {
    // Keyboard and screen-reader users land on the new step, not on the button they pressed.
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    bodyRef.current?.focus();
  }, [step]);

  const pickMode = (m: ModeInfo): void => {
    if (m.name === modeName) return;
    setModeName(m.name);
    setCapital(String(m.defaults.capital));
    setStart((m.defaults.start ?? m.window?.start ?? '').slice(0, 10));
    setEnd((m.defaults.end ?? m.window?.end ?? '').slice(0, 10));
    setStrategy(structuredClone(m.parameterDefaults));
    setFormKey((k) => k + 1);
  };

  const body: BacktestBody | null = useMemo(() => {
    if (modeName === null) return null;
    return {
      mode: modeName,
      ...(start !== '' ? { start: isoStart(start) } : {}),
      ...(end !== '' ? { end: isoStart(end) } : {}),
      capital: Number(capital),
      strategy,
      flows: flows.map((f) => ({ at: `${f.at}:00Z`, amount: Number(f.amount) })),
      ...(label.trim() !== '' ? { label: label.trim() } : {}),
    };
  }, [modeName, start, end, capital, strategy, flows, label]);
  const bodyKey = JSON.stringify(body);
  const settledKey = useDebounced(bodyKey, 350);
  const local = localProblems(mode, capital, start, end, flows);

  useEffect(() => {
    if (step < 2 || body === null || settledKey !== bodyKey) return;
    if (local.length > 0) {
      setValidation({ state: 'idle' });
      return;
    }
    const ctl = new AbortController();
    setValidation((v) => (v.state === 'idle' ? { state: 'checking' } : v));
    api<ValidateAnswer>('backtests/validate', { method: 'POST', body, signal: ctl.signal }).then(
      (answer) => setValidation({ state: 'ok', answer, key: settledKey }),
      (error: unknown) => {
        if (!ctl.signal.aborted) setValidation({ state: 'error', error: error instanceof Error ? error : new Error(String(error)), key: settledKey });
      },
    );
    return () => ctl.abort();
    // Keyed on the settled body, not on body's identity: one request per pause in typing, not one per keystroke.
  }, [settledKey, step]);

  useEffect(() => {
    if (runId !== null && progress.status === 'completed') window.location.hash = href({ page: 'run', id: runId, tab: 'dashboard' });
  }, [runId, progress.status]);

  const serverProblems: readonly Problem[] = validation.state === 'error' ? (validation.error instanceof ApiError ? validation.error.body.problems : []) : [];
  const basicProblems = byPath([...local, ...serverProblems.filter((p) => !isStrategy(p))], null);
  const strategyProblems: ProblemsByPath = byPath(serverProblems.filter(isStrategy), 'strategy');
  const current = validation.state === 'ok' && validation.key === bodyKey;
  const hasStrategyProblems = strategyProblems.size > 0;

  const canNext = [shareClass !== null, mode !== undefined, local.length === 0 && !(validation.state === 'error' && serverProblems.some((p) => !isStrategy(p))), !hasStrategyProblems, false][step] ?? false;

  const submit = async (): Promise<void> => {
    if (body === null) return;
    setSubmitting(true);
    setSubmitError(null);
    try {
      const answer = await api<{ id: string }>('backtests', { method: 'POST', body });
      setRunId(answer.id);
    } catch (e) {
      setSubmitError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setSubmitting(false);
    }
  };

  // A failed or cancelled run leaves the wizard usable: the user can go back, change something and run again.
  const runActive = runId !== null && progress.status !== 'failed' && progress.status !== 'cancelled';
  const modesOfClass = modes.state === 'ok' ? modes.data.modes.filter((m) => m.shareClass === shareClass) : [];

  return (
    <section aria-labelledby="wizard-title" className="wizard">
      <h1 id="wizard-title">New backtest</h1>
      <ol className="steps" data-testid="wizard-steps">
        {STEPS.map((s, i) => (
          <li key={s} aria-current={i === step ? 'step' : undefined} className={i < step ? 'done' : ''}>
            <span className="step-n">{i + 1}</span> {s}
          </li>
        ))}
      </ol>

      <div className="wizard-body card" ref={bodyRef} tabIndex={-1} aria-label={`step ${step + 1} of ${STEPS.length}: ${STEPS[step] ?? ''}`}>
        {step === 0 && (
          <fieldset className="choice-grid" data-testid="step-share-class">
            <legend>Which currency is the book kept in?</legend>
            {SHARE_CLASSES.map((c) => (
              <label key={c.id} className={`choice${shareClass === c.id ? ' selected' : ''}`}>
                <input type="radio" name="shareClass" value={c.id} checked={shareClass === c.id} onChange={() => { setShareClass(c.id); if (mode && mode.shareClass !== c.id) setModeName(null); }} data-testid={`share-class-${c.id}`} />
                <span className="choice-title">{c.id}</span>
                <span className="muted">{c.text}</span>
              </label>
            ))}
          </fieldset>
        )}

        {step === 1 && (
          <fieldset className="choice-grid modes" data-testid="step-mode">
            <legend>Strategy mode ({shareClass})</legend>
            {modes.state === 'error' && <ErrorNote error={modes.error} />}
            {modes.state === 'loading' && Array.from({ length: 3 }, (_, i) => <div key={i} className="choice"><Skeleton height={440} /></div>)}
            {modesOfClass.map((m) => (
              <label key={m.name} className={`choice mode-card${modeName === m.name ? ' selected' : ''}`} data-testid={`mode-card-${m.name}`}>
                <input type="radio" name="mode" value={m.name} checked={modeName === m.name} onChange={() => pickMode(m)} data-testid={`mode-${m.name}`} />
                <span className="choice-title">{m.title}</span>
                <span className="mono muted">{m.name}</span>
                <span>{m.explanation.summary}</span>
                <span className="sub">Yield from</span>
                <ul>{m.explanation.yieldSources.map((y) => <li key={y}>{y}</li>)}</ul>
                <span className="sub">Risks</span>
                <ul>{m.explanation.risks.map((r) => <li key={r}>{r}</li>)}</ul>
                <span className="figures">
                  {m.figures === null ? (
                    <span className="muted">Not run yet on the shipped data</span>
                  ) : (
                    <>
                      <span>APY <b className={`num ${signClass(m.figures.apy)}`}>{pct(m.figures.apy)}</b></span>
                      <span>Max DD <b className={`num ${signClass(m.figures.maxDrawdown)}`}>{pct(m.figures.maxDrawdown)}</b></span>
                    </>
                  )}
                </span>
                <span className="muted">Data {m.window ? span(m.window.start, m.window.end) : 'not available on this machine'}</span>
              </label>
            ))}
          </fieldset>
        )}

        {step === 2 && mode && (
          <div className="form-grid" data-testid="step-basics">
            <div className={`param${basicProblems.has('capital') ? ' invalid' : ''}`}>
              <label htmlFor="capital">Initial capital ({mode.shareClass})</label>
              <input id="capital" data-testid="capital" type="text" inputMode="decimal" className="num-input" value={capital} onChange={(e) => setCapital(e.target.value)} aria-invalid={basicProblems.has('capital')} aria-describedby="capital-hint capital-problems" />
              <span className="muted hint num-left" id="capital-hint">{Number.isFinite(Number(capital)) && Number(capital) > 0 ? `= ${amount(Number(capital), mode.shareClass)}` : `in ${mode.shareClass}, above 0`}</span>
              <Problems list={basicProblems.get('capital')} id="capital-problems" />
            </div>
            <div className={`param${basicProblems.has('start') ? ' invalid' : ''}`}>
              <label htmlFor="start">Start (UTC, 00:00)</label>
              <input id="start" data-testid="start" type="date" min={day(mode.window?.start)} max={day(mode.window?.end)} value={start} onChange={(e) => setStart(e.target.value)} aria-invalid={basicProblems.has('start')} aria-describedby="start-problems" />
              <Problems list={basicProblems.get('start')} id="start-problems" />
            </div>
            <div className={`param${basicProblems.has('end') ? ' invalid' : ''}`}>
              <label htmlFor="end">End (UTC, 00:00)</label>
              <input id="end" data-testid="end" type="date" min={day(mode.window?.start)} max={day(mode.window?.end)} value={end} onChange={(e) => setEnd(e.target.value)} aria-invalid={basicProblems.has('end')} aria-describedby="end-problems" />
              <Problems list={basicProblems.get('end')} id="end-problems" />
            </div>
            <p className="muted span-all">Data window for {mode.name}: {mode.window ? span(mode.window.start, mode.window.end) : 'none on this machine'}</p>
            <div className="param span-all">
              <label htmlFor="label">Label (optional)</label>
              <input id="label" data-testid="label" type="text" value={label} onChange={(e) => setLabel(e.target.value)} />
            </div>
            <fieldset className="span-all flows" data-testid="flows">
              <legend>Capital flows (optional)</legend>
              <p className="muted hint">A positive amount is a deposit, a negative one a withdrawal, in {mode.shareClass}, at the given UTC time.</p>
              {flows.map((f, i) => (
                <div className="flow-row" key={i}>
                  <label>
                    Time (UTC)
                    <input type="datetime-local" value={f.at} min={`${start}T00:00`} max={`${end}T00:00`} onChange={(e) => setFlows(flows.map((x, j) => (j === i ? { ...x, at: e.target.value } : x)))} aria-invalid={basicProblems.has(`flows.${i}.at`)} data-testid={`flow-at-${i}`} />
                  </label>
                  <label>
                    Amount ({mode.shareClass}, ±)
                    <input type="text" inputMode="decimal" className="num-input" value={f.amount} placeholder="+10000 or −5000" onChange={(e) => setFlows(flows.map((x, j) => (j === i ? { ...x, amount: e.target.value.replace('−', '-') } : x)))} aria-invalid={basicProblems.has(`flows.${i}.amount`)} data-testid={`flow-amount-${i}`} />
                  </label>
                  <button type="button" className="link danger" onClick={() => setFlows(flows.filter((_, j) => j !== i))} aria-label={`remove flow ${i + 1}`}>
                    Remove
                  </button>
                  <Problems list={[...(basicProblems.get(`flows.${i}.at`) ?? []), ...(basicProblems.get(`flows.${i}.amount`) ?? []), ...(basicProblems.get(`flows.${i}`) ?? [])]} />
                </div>
              ))}
              <button type="button" onClick={() => setFlows([...flows, { at: start !== '' ? `${start}T12:00` : '', amount: '' }])} data-testid="add-flow">
                + Add flow
              </button>
            </fieldset>
            <OtherProblems problems={serverProblems.filter((p) => !isStrategy(p) && !['capital', 'start', 'end'].includes(fieldPath(p.path)) && !fieldPath(p.path).startsWith('flows.'))} />
          </div>
        )}

        {step === 3 && mode && (
          <div data-testid="step-parameters">
            <p className="muted">
              Parameters of <b>{mode.name}</b>, from its YAML. Each change is checked by the server with the same schema the CLI uses.{' '}
              <span aria-live="polite" data-testid="validation-state">{validation.state === 'checking' || (!current && validation.state !== 'error' && local.length === 0) ? 'Checking…' : hasStrategyProblems ? 'Fix the fields marked below.' : current ? 'Valid.' : ''}</span>
            </p>
            <OtherProblems problems={serverProblems.filter((p) => !isStrategy(p) || relativePath(fieldPath(p.path), 'strategy') === '')} />
            <SchemaForm key={formKey} schema={mode.parameters} value={strategy} defaults={mode.parameterDefaults} problems={strategyProblems} onChange={setStrategy} />
            <button type="button" className="link" onClick={() => { setStrategy(structuredClone(mode.parameterDefaults)); setFormKey((k) => k + 1); }}>
              Reset to defaults
            </button>
          </div>
        )}

        {step === 4 && mode && (
          <div data-testid="step-review">
            <dl className="review-summary">
              <dt>Mode</dt><dd>{mode.title} <span className="mono muted">{mode.name}</span></dd>
              <dt>Window</dt><dd>{span(start, end)}</dd>
              <dt>Capital</dt><dd className="num-left">{amount(Number(capital), mode.shareClass)}</dd>
              <dt>Flows</dt><dd>{flows.length === 0 ? 'none' : flows.map((f) => `${f.at.replace('T', ' ')} UTC ${Number(f.amount) > 0 ? '+' : '−'}${amount(Math.abs(Number(f.amount)), mode.shareClass)}`).join('; ')}</dd>
              {label.trim() !== '' && (<><dt>Label</dt><dd>{label}</dd></>)}
            </dl>
            {validation.state === 'error' && <ErrorNote error={validation.error} />}
            {!current && validation.state !== 'error' ? (
              <Skeleton height={240} />
            ) : validation.state === 'ok' ? (
              <ReviewTables answer={validation.answer} />
            ) : null}
          </div>
        )}

        {step >= 2 && step <= 3 && validation.state === 'error' && !(validation.error instanceof ApiError && validation.error.body.problems.length > 0 && !['API-002', 'API-003', 'API-004'].includes(validation.error.body.code)) && <ErrorNote error={validation.error} />}
        {runId !== null && (
          <div className="run-progress" data-testid="wizard-progress">
            <ProgressBar fraction={progress.fraction} label={`Run ${runId.slice(0, 8)} ${progress.status ?? 'queued'}`} />
            {progress.status === 'failed' && <div className="error-note" role="alert">{progress.error ? `${progress.error.code}: ${progress.error.message}` : 'the run failed'}</div>}
            {progress.status === 'cancelled' && <div className="error-note" role="alert">The run was cancelled.</div>}
            <a href={href({ page: 'run', id: runId, tab: 'dashboard' })}>Open the run page</a>
          </div>
        )}
        {submitError && <ErrorNote error={submitError} />}
      </div>

      <div className="wizard-nav">
        <button type="button" onClick={() => { setStep(step - 1); setRunId(null); }} disabled={step === 0 || runActive} data-testid="wizard-back">
          ← Back
        </button>
        {step < STEPS.length - 1 ? (
          <button type="button" className="primary" onClick={() => setStep(step + 1)} disabled={!canNext} data-testid="wizard-next">
            Next →
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void submit()} disabled={!current || submitting || runActive} data-testid="wizard-run">
            {submitting ? 'Submitting…' : 'Run backtest'}
          </button>
        )}
      </div>
    </section>
  );
}

function OtherProblems({ problems }: { problems: readonly Problem[] }): React.JSX.Element | null {
  if (problems.length === 0) return null;
  return (
    <ul className="field-problems span-all" data-testid="field-problem">
      {problems.map((p, i) => (
        <li key={i}>{p.path !== undefined && p.path !== '' ? <span className="mono">{p.path}: </span> : null}{p.message}</li>
      ))}
    </ul>
  );
}

function ReviewTables({ answer }: { answer: ValidateAnswer }): React.JSX.Element {
  const changed = new Set(answer.diff.map((d) => d.path));
  const isChanged = (path: string): boolean => changed.has(path) || answer.diff.some((d) => d.path.endsWith(`.${path}`) || path.endsWith(`.${d.path}`));
  // The window and flows of this run are in the summary above; the mode section's own (YAML) values would only confuse.
  const rows = flatten(answer.config, '', []).filter(([p]) => p !== 'start' && p !== 'end' && p !== 'flows');
  return (
    <>
      <h2>What differs from the defaults</h2>
      {answer.diff.length === 0 ? (
        <p className="muted" data-testid="diff-empty">Nothing: the mode's defaults as shipped.</p>
      ) : (
        <table className="table compact" data-testid="review-diff">
          <thead><tr><th scope="col">Setting</th><th scope="col" className="num">Default</th><th scope="col" className="num">This run</th></tr></thead>
          <tbody>
            {answer.diff.map((d) => (
              <tr key={d.path} className="changed"><td className="mono">{d.path}</td><td className="num">{show(d.default)}</td><td className="num">{show(d.value)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Merged configuration ({answer.mode})</h2>
      <table className="table compact" data-testid="review-config">
        <thead><tr><th scope="col">Setting</th><th scope="col" className="value-cell">Value</th></tr></thead>
        <tbody>
          {rows.map(([p, v]) => (
            <tr key={p} className={isChanged(p) ? 'changed' : ''}>
              <td className="mono" title={humanize(p.split('.').pop() ?? p)}>{p}{isChanged(p) && <span className="sr-only"> (changed)</span>}</td>
              <td className="value-cell">{show(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
