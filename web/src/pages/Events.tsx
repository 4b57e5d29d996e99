import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/client';
import type { BasisEvent, EventPage, StoredEvent } from '../api/types';
import { ErrorNote, Skeleton } from '../components/ui';
import { dateTime, humanize, positionToken, qty, signClass, signedAmount } from '../format';
import { useDebounced } from '../hooks';

const CHUNK = 500;
const ROW_PX = 34;

interface Filters {
  readonly type: string;
  readonly venue: string;
  readonly from: string;
  readonly to: string;
  readonly q: string;
}

const NO_FILTERS: Filters = { type: '', venue: '', from: '', to: '', q: '' };

function filterQuery(f: Filters): string {
  const p = new URLSearchParams();
  if (f.type !== '') p.set('type', f.type);
  if (f.venue !== '') p.set('venue', f.venue);
  if (f.from !== '') p.set('from', `${f.from}:00Z`);
  if (f.to !== '') p.set('to', `${f.to}:00Z`);
  if (f.q.trim() !== '') p.set('q', f.q.trim());
  return p.toString();
}

/** The event log of a run: a virtualised table paged through the API as the user scrolls, so 70,000+ events stay smooth. */
export function EventLog({ runId, shareClass }: { runId: string; shareClass: string }): React.JSX.Element {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const q = useDebounced(filters.q, 300);
  const query = filterQuery({ ...filters, q });
  const [total, setTotal] = useState<number | null>(null);
  const [facets, setFacets] = useState<{ types: readonly string[]; venues: readonly string[] }>({ types: [], venues: [] });
  const [error, setError] = useState<Error | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [, setVersion] = useState(0);
  const rows = useRef(new Map<number, StoredEvent>());
  const inFlight = useRef(new Set<number>());
  const generation = useRef(0);
  const scrollRef = useRef<HTMLDivElement>(null);

  const load = useCallback(
    (offset: number): void => {
      if (inFlight.current.has(offset)) return;
      inFlight.current.add(offset);
      const g = generation.current;
      const sep = query === '' ? '' : '&';
      api<EventPage>(`backtests/${encodeURIComponent(runId)}/events?${query}${sep}offset=${offset}&limit=${CHUNK}`).then(
        (page) => {
          if (g !== generation.current) return;
          inFlight.current.delete(offset);
          page.events.forEach((e, i) => rows.current.set(offset + i, e));
          setTotal(page.total);
          setFacets((f) => ({ types: [...new Set([...f.types, ...page.types])].sort(), venues: [...new Set([...f.venues, ...page.venues])].sort() }));
          setError(null);
          setVersion((v) => v + 1);
        },
        (e: unknown) => {
          if (g !== generation.current) return;
          inFlight.current.delete(offset);
          setError(e instanceof Error ? e : new Error(String(e)));
        },
      );
    },
    [runId, query],
  );

  useEffect(() => {
    generation.current += 1;
    rows.current = new Map();
    inFlight.current = new Set();
    setTotal(null);
    setExpanded(new Set());
    scrollRef.current?.scrollTo({ top: 0 });
    load(0);
  }, [load]);

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX,
    overscan: 15,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total === null) return;
    // Ask for the first row of the visible range that is missing; its answer fills up to CHUNK rows and this runs again.
    for (let i = first; i <= last; i++) {
      if (!rows.current.has(i)) {
        const covered = [...inFlight.current].some((o) => i >= o && i < o + CHUNK);
        if (!covered) load(i);
        return;
      }
    }
  });

  const toggle = (order: number): void => setExpanded((s) => {
    const next = new Set(s);
    if (next.has(order)) next.delete(order);
    else next.add(order);
    return next;
  });

  const set = (patch: Partial<Filters>): void => setFilters((f) => ({ ...f, ...patch }));
  const active = useMemo(() => Object.values(filters).some((v) => v !== ''), [filters]);

  return (
    <section aria-label="event log" data-testid="event-log">
      <div className="toolbar" role="search">
        <label>
          Type{' '}
          <select value={filters.type} onChange={(e) => set({ type: e.target.value })} data-testid="events-type">
            <option value="">all</option>
            {facets.types.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </label>
        <label>
          Venue{' '}
          <select value={filters.venue} onChange={(e) => set({ venue: e.target.value })} data-testid="events-venue">
            <option value="">all</option>
            {facets.venues.map((v) => <option key={v} value={v}>{v}</option>)}
          </select>
        </label>
        <label>
          From (UTC){' '}
          <input type="datetime-local" value={filters.from} onChange={(e) => set({ from: e.target.value })} data-testid="events-from" />
        </label>
        <label>
          To (UTC){' '}
          <input type="datetime-local" value={filters.to} onChange={(e) => set({ to: e.target.value })} data-testid="events-to" />
        </label>
        <label>
          <span className="sr-only">Search events</span>
          <input type="search" placeholder="Search text" value={filters.q} onChange={(e) => set({ q: e.target.value })} data-testid="events-q" />
        </label>
        <button type="button" onClick={() => setFilters(NO_FILTERS)} disabled={!active}>
          Clear
        </button>
        <span className="muted toolbar-total num" aria-live="polite" data-testid="events-total" data-total={total ?? ''}>
          {total === null ? 'Loading…' : `${total.toLocaleString('en-US')} events`}
        </span>
      </div>
      {error && <ErrorNote error={error} />}
      <div className="events-table" role="table" aria-label="events" aria-rowcount={total ?? -1}>
        <div className="events-row events-head" role="row">
          <span role="columnheader"><span className="sr-only">details</span></span>
          <span role="columnheader" className="num">#</span>
          <span role="columnheader">Time (UTC)</span>
          <span role="columnheader">Type</span>
          <span role="columnheader">Venue</span>
          <span role="columnheader">Status</span>
          <span role="columnheader">Event</span>
        </div>
        <div className="events-scroll" ref={scrollRef} data-testid="events-scroll" tabIndex={0} aria-label="event rows, scroll to load more">
          {total === null ? (
            Array.from({ length: 12 }, (_, i) => (
              <div key={i} className="events-row" style={{ height: ROW_PX }}><Skeleton /></div>
            ))
          ) : total === 0 ? (
            <p className="empty">No events match these filters.</p>
          ) : (
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {items.map((item) => {
                const row = rows.current.get(item.index);
                return (
                  <div
                    key={item.key}
                    data-index={item.index}
                    ref={virtualizer.measureElement}
                    className="events-item"
                    style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}
                  >
                    {row === undefined ? (
                      <div className="events-row" role="row" aria-rowindex={item.index + 2} style={{ height: ROW_PX }}>
                        <span className="skeleton-cell"><Skeleton /></span>
                      </div>
                    ) : (
                      <EventRow row={row} index={item.index} open={expanded.has(row.order)} onToggle={() => toggle(row.order)} shareClass={shareClass} />
                    )}
                  </div>
                );
              })}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

function EventRow({ row, index, open, onToggle, shareClass }: { row: StoredEvent; index: number; open: boolean; onToggle: () => void; shareClass: string }): React.JSX.Element {
  return (
    <>
      <div className={`events-row status-${row.status}`} role="row" aria-rowindex={index + 2} data-testid="event-row" style={{ height: ROW_PX }}>
        <span role="cell">
          <button type="button" className="expander" aria-expanded={open} aria-label={`${open ? 'hide' : 'show'} details of event ${row.order}`} onClick={onToggle} data-testid="event-expand">
            {open ? '▾' : '▸'}
          </button>
        </span>
        <span role="cell" className="num mono">{row.order}</span>
        <span role="cell" className="nowrap">{dateTime(row.timestampMs).replace(' UTC', '')}</span>
        <span role="cell"><span className="tag">{row.type}</span></span>
        <span role="cell">{row.venue ?? '–'}</span>
        <span role="cell">{row.status}</span>
        <span role="cell" className="ellipsis" title={row.text}>{row.text}</span>
      </div>
      {open && <EventDetails event={row.event} shareClass={shareClass} />}
    </>
  );
}

function KeyAmounts({ title, entries, signed, testId }: { title: string; entries: readonly (readonly [string, number])[]; signed: boolean; testId?: string }): React.JSX.Element | null {
  if (entries.length === 0) return null;
  return (
    <table className="table compact detail-table" data-testid={testId}>
      <caption>{title}</caption>
      <thead><tr><th scope="col">Position</th><th scope="col" className="num">Amount</th><th scope="col">Unit</th></tr></thead>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <td className="mono">{k}</td>
            <td className={`num ${signed ? signClass(v) : ''}`}>{qty(v, signed)}</td>
            <td className="muted">{positionToken(k)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The readable view of one event: balances after it, its deltas, pnl by part, fees, gas and its labelled details. */
function EventDetails({ event, shareClass }: { event: BasisEvent; shareClass: string }): React.JSX.Element {
  const details = Object.entries(event.details ?? {});
  const pnl = Object.entries(event.pnl ?? {});
  return (
    <div className="event-details" data-testid="event-details">
      <KeyAmounts title="Balances after the event" entries={Object.entries(event.balances ?? {})} signed={false} testId="event-balances" />
      <KeyAmounts title="Changes" entries={event.deltas} signed={true} />
      <div className="detail-side">
        {pnl.length > 0 && (
          <table className="table compact detail-table">
            <caption>P&amp;L by part ({shareClass})</caption>
            <tbody>
              {pnl.map(([k, v]) => (
                <tr key={k}><th scope="row">{humanize(k)}</th><td className={`num ${signClass(v)}`}>{signedAmount(v, shareClass)}</td></tr>
              ))}
            </tbody>
          </table>
        )}
        <dl className="detail-fields">
          {event.feeAmount !== undefined && (<><dt>Fee</dt><dd className="num-left">{qty(event.feeAmount)} {event.feeToken ?? ''}</dd></>)}
          {event.gasEth !== undefined && (<><dt>Gas</dt><dd className="num-left">{qty(event.gasEth)} ETH</dd></>)}
          {event.parent !== undefined && (<><dt>Part of event</dt><dd className="mono">#{event.parent}</dd></>)}
          {details.map(([k, v]) => (
            <FieldValue key={k} name={k} value={v} />
          ))}
          {Object.entries(event.perpEntries ?? {}).map(([k, v]) => (
            <FieldValue key={`entry-${k}`} name={`Entry price ${k}`} value={v} />
          ))}
          {Object.entries(event.inFlight ?? {}).map(([k, v]) => (
            <FieldValue key={`flight-${k}`} name={`In flight ${k}`} value={`${qty(v.amount)} ${v.token} → ${v.to}`} />
          ))}
        </dl>
      </div>
    </div>
  );
}

function FieldValue({ name, value }: { name: string; value: number | string | boolean | null }): React.JSX.Element {
  return (
    <>
      <dt>{name.includes(' ') ? name : humanize(name)}</dt>
      <dd className={typeof value === 'number' ? 'num-left' : ''}>{typeof value === 'number' ? (name.endsWith('Ms') && Number.isInteger(value) && value > 1e11 ? dateTime(value) : value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) < 10 ? 6 : 2 })) : value === null ? '–' : String(value)}</dd>
    </>
  );
}
