import { chainHeadOf, eventsJsonlChunks } from '../events/hashChain.js';
import type { BasisEvent } from '../events/types.js';
import { assertReportBundle, renderReportHtml, timeseriesCsvChunks, writeResultsAtomically, type ResultFile } from '../report/index.js';
import { runInfoRows, type RunRecord } from '../engine/runRecord.js';
import { BasisError } from '../errors/base.js';
import type { RunStore, StoredRun } from './types.js';

const PAGE = 5000;

async function allEvents(store: RunStore, id: string): Promise<BasisEvent[]> {
  const out: BasisEvent[] = [];
  for (;;) {
    const page = await store.events(id, { offset: out.length, limit: PAGE });
    out.push(...page.events);
    if (page.events.length < PAGE) return out;
  }
}

/**
 * Writes a completed run's five files from the store into a new or empty directory, all or nothing: the same bytes
 * the run wrote (config.json is the stored document, the timeseries and events round-trip exactly), so
 * `basis audit verify` passes on the export. The event chain head is checked against the stored one.
 */
export async function exportStoredRun(store: RunStore, run: StoredRun, outDir: string): Promise<{ dir: string; chainHead: string }> {
  if (run.status !== 'completed' || run.summary === null || run.config === null) {
    throw new BasisError('STORE-006', `run ${run.id} is ${run.status}: only a completed run has files to export`, { problems: [{ code: 'STORE-006', path: 'id', message: `the run is ${run.status}`, expected: 'a completed run', received: run.status }] });
  }
  assertReportBundle();
  const frame = await store.timeseries(run.id);
  if (frame === null) throw new BasisError('STORE-001', `run ${run.id} is completed but has no stored timeseries`);
  const events = await allEvents(store, run.id);
  const summary = run.summary;
  const config = run.config;
  const head = chainHeadOf(events);
  if (run.auditHash !== null && head.hash !== run.auditHash) {
    throw new BasisError('EVT-006', `the stored events of run ${run.id} hash to ${head.hash}, not the recorded ${run.auditHash}`);
  }
  const files: ResultFile[] = [
    { name: 'config.json', content: JSON.stringify(config, null, 2) + '\n' },
    { name: 'timeseries.csv', content: () => timeseriesCsvChunks(frame) },
    { name: 'events.jsonl', content: () => eventsJsonlChunks(events) },
    { name: 'report.html', content: () => renderReportHtml(summary, frame, events, { runInfo: runInfoRows(config['run'] as RunRecord), params: config['params'] }) },
    { name: 'summary.json', content: JSON.stringify(summary, null, 2) + '\n' },
  ];
  const written = await writeResultsAtomically(outDir, files, { runId: run.id });
  return { dir: written.dir, chainHead: head.hash };
}
