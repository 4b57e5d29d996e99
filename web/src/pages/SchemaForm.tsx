import { useState } from 'react';
import type { JsonSchema, Problem } from '../api/types';
import { humanize } from '../format';

/** Problems keyed by the dotted path of the field they name, relative to the form's root. */
export type ProblemsByPath = ReadonlyMap<string, readonly Problem[]>;

type Value = Record<string, unknown>;

/** "hedge.targetMarginRatio" from "strategy.hedge.targetMarginRatio", "modes.btc_basis.strategy.hedge[0]" and the like. */
export function relativePath(path: string, root: string): string {
  const dotted = path.replace(/\[(\d+)\]/g, '.$1').replace(/^\//, '').replace(/\//g, '.');
  const at = dotted === root ? dotted.length : dotted.indexOf(`${root}.`);
  if (at < 0) return dotted;
  return dotted.slice(at + root.length + 1);
}

/** The schema without its `null` alternative, and whether null is allowed. */
function unwrap(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts) {
    const nonNull = alts.filter((s) => s.type !== 'null');
    if (nonNull.length === 1 && nonNull[0]) return { schema: { ...nonNull[0], ...(schema.description !== undefined ? { description: schema.description } : {}) }, nullable: nonNull.length < alts.length };
  }
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const rest = schema.type.filter((t) => t !== 'null');
    return { schema: { ...schema, type: rest.length === 1 ? rest[0] : rest }, nullable: true };
  }
  return { schema, nullable: false };
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return 'const';
  if (schema.enum) return 'enum';
  const t = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (t === undefined && schema.properties) return 'object';
  return t ?? 'unknown';
}

function isRecord(v: unknown): v is Value {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function setIn(root: Value, path: readonly string[], value: unknown): Value {
  const [head, ...rest] = path;
  if (head === undefined) return root;
  const child = root[head];
  return { ...root, [head]: rest.length === 0 ? value : setIn(isRecord(child) ? child : {}, rest, value) };
}

function rangeText(s: JsonSchema): string {
  const lo = s.minimum !== undefined ? `≥ ${s.minimum}` : s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : '';
  const hi = s.maximum !== undefined ? `≤ ${s.maximum}` : s.exclusiveMaximum !== undefined ? `< ${s.exclusiveMaximum}` : '';
  return [lo, hi].filter((x) => x !== '').join(', ');
}

function display(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

interface FieldProps {
  readonly name: string;
  readonly schema: JsonSchema;
  readonly path: readonly string[];
  readonly value: unknown;
  readonly defaultValue: unknown;
  readonly problems: ProblemsByPath;
  readonly onChange: (path: readonly string[], value: unknown) => void;
  /** Not in its parent's `required`: an emptied field leaves the key out rather than sending "". */
  readonly optional: boolean;
}

function FieldProblems({ id, problems }: { id: string; problems: readonly Problem[] | undefined }): React.JSX.Element | null {
  if (!problems || problems.length === 0) return null;
  return (
    <ul className="field-problems" id={id} data-testid="field-problem">
      {problems.map((p, i) => (
        <li key={i}>
          <span className="mono">{p.code}</span> {p.message}
          {p.expected !== undefined && <> — expected {p.expected}</>}
          {p.received !== undefined && <>, found {p.received}</>}
        </li>
      ))}
    </ul>
  );
}

/** A number typed as text, so "0." or "-" can be typed; the value is the number once it parses, else the text (the server names the error). */
function NumberField(props: { id: string; integer: boolean; value: unknown; invalid: boolean; describedBy: string; onChange: (v: unknown) => void }): React.JSX.Element {
  const [text, setText] = useState(display(props.value));
  return (
    <input
      id={props.id}
      data-testid={props.id}
      type="text"
      inputMode={props.integer ? 'numeric' : 'decimal'}
      className="num-input"
      value={text}
      aria-invalid={props.invalid}
      aria-describedby={props.describedBy}
      onChange={(e) => {
        setText(e.target.value);
        const trimmed = e.target.value.trim();
        const n = Number(trimmed);
        props.onChange(trimmed !== '' && Number.isFinite(n) ? n : e.target.value);
      }}
    />
  );
}

function Field(props: FieldProps): React.JSX.Element | null {
  const { schema, nullable } = unwrap(props.schema);
  const key = props.path.join('.');
  const id = `param-${key}`;
  const problems = props.problems.get(key);
  const invalid = problems !== undefined && problems.length > 0;
  const hintId = `${id}-hint`;
  const problemId = `${id}-problems`;
  const type = typeOf(schema);
  // An emptied input: null where the schema allows it, no key where the field is optional, else "" for the server to refuse.
  const empty = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? (nullable ? null : props.optional ? undefined : v) : v);
  const label = schema.title ?? humanize(props.name);

  if (type === 'object') {
    const keys = schema.properties
      ? Object.keys(schema.properties)
      : (((schema.propertyNames as JsonSchema | undefined)?.enum?.map(String) ?? schema.required ?? Object.keys(isRecord(props.value) ? props.value : {})));
    const childSchema = (name: string): JsonSchema => schema.properties?.[name] ?? (isRecord(schema.additionalProperties) ? (schema.additionalProperties as JsonSchema) : {});
    const value = isRecord(props.value) ? props.value : {};
    const defaults = isRecord(props.defaultValue) ? props.defaultValue : {};
    return (
      <fieldset className="param-group" data-testid={id}>
        <legend>{label}</legend>
        {schema.description && <p className="muted hint">{schema.description}</p>}
        <FieldProblems id={problemId} problems={problems} />
        {keys.map((k) => (
          <Field key={k} name={k} schema={childSchema(k)} path={[...props.path, k]} value={value[k]} defaultValue={defaults[k]} problems={props.problems} onChange={props.onChange} optional={!(schema.required ?? []).includes(k)} />
        ))}
      </fieldset>
    );
  }
  if (type === 'const') return null;

  const changed = display(props.value) !== display(props.defaultValue);
  const hint = [schema.description, type === 'number' || type === 'integer' ? rangeText(schema) : '', props.defaultValue !== undefined ? `default ${display(props.defaultValue)}` : '', nullable ? 'may be empty' : '']
    .filter((x) => x !== undefined && x !== '')
    .join(' · ');
  const describedBy = `${hintId}${invalid ? ` ${problemId}` : ''}`;
  let control: React.JSX.Element;
  if (type === 'boolean') {
    control = (
      <input id={id} data-testid={id} type="checkbox" checked={props.value === true} aria-invalid={invalid} aria-describedby={describedBy} onChange={(e) => props.onChange(props.path, e.target.checked)} />
    );
  } else if (type === 'enum') {
    const options = schema.enum ?? [];
    control = (
      <select
        id={id}
        data-testid={id}
        value={display(props.value)}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => props.onChange(props.path, options.find((o) => display(o) === e.target.value) ?? e.target.value)}
      >
        {options.map((o) => (
          <option key={display(o)} value={display(o)}>
            {display(o)}
          </option>
        ))}
      </select>
    );
  } else if (type === 'number' || type === 'integer') {
    control = <NumberField id={id} integer={type === 'integer'} value={props.value} invalid={invalid} describedBy={describedBy} onChange={(v) => props.onChange(props.path, empty(v))} />;
  } else if (type === 'array') {
    control = (
      <input
        id={id}
        data-testid={id}
        type="text"
        defaultValue={Array.isArray(props.value) ? props.value.map(display).join(', ') : ''}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => {
          const items = e.target.value.split(',').map((s) => s.trim()).filter((s) => s !== '');
          const itemType = schema.items ? typeOf(unwrap(schema.items).schema) : 'string';
          props.onChange(props.path, itemType === 'number' || itemType === 'integer' ? items.map((s) => (Number.isFinite(Number(s)) ? Number(s) : s)) : items);
        }}
      />
    );
  } else {
    control = (
      <input
        id={id}
        data-testid={id}
        type="text"
        value={typeof props.value === 'string' ? props.value : display(props.value)}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => props.onChange(props.path, empty(e.target.value))}
      />
    );
  }
  return (
    <div className={`param${invalid ? ' invalid' : ''}${changed ? ' changed' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {control}
      <span className="muted hint" id={hintId}>
        {hint}
      </span>
      <FieldProblems id={problemId} problems={problems} />
    </div>
  );
}

/** A form generated from a JSON Schema (z.toJSONSchema of a mode's `strategy` section): objects are fieldsets, leaves are inputs. */
export function SchemaForm(props: { schema: JsonSchema; value: Value; defaults: Value; problems: ProblemsByPath; onChange: (value: Value) => void }): React.JSX.Element {
  const properties = props.schema.properties ?? {};
  return (
    <div className="schema-form" data-testid="schema-form">
      {Object.entries(properties).map(([k, s]) => (
        <Field key={k} name={k} schema={s} path={[k]} value={props.value[k]} defaultValue={props.defaults[k]} problems={props.problems} onChange={(path, v) => props.onChange(setIn(props.value, path, v))} optional={!(props.schema.required ?? []).includes(k)} />
      ))}
    </div>
  );
}
