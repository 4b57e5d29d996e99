import { cpSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA, SHORT, cli, expectCoded, expectCompleteRun, leftovers, runDirs, runId, scratch, snapshot } from './helpers.js';

describe('basis backtest without --out: a new directory per run, and a latest link', () => {
  it('running twice makes two complete runs; latest points at the newest', () => {
    const results = path.join(scratch('default'), 'results');
    const args = [...SHORT, '--set', `paths.resultsDir=${results}`];
    const modeDir = path.join(results, 'pure_lending');
    const first = cli(args);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    const [one] = runDirs(modeDir);
    // The directory carries the run's id in the results store.
    expect(one).toMatch(/^\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{12}$/);
    expect(first.stdout).toContain(`results: ${path.join(modeDir, one!)}/`);
    expect(first.stdout).toContain(`(${path.join(modeDir, 'latest')} points here)`);
    expect(runId(path.join(modeDir, one!))).toBe(one!.slice(-12));
    expect(first.stdout).toContain(`stored: run ${one!.slice(-12)}`);
    const before = snapshot(path.join(modeDir, one!));

    expect(cli(args).status).toBe(0);
    const runs = runDirs(modeDir);
    expect(runs.length).toBe(2);
    expect(runs[0]).toBe(one);
    for (const r of runs) expectCompleteRun(path.join(modeDir, r));
    expect(readlinkSync(path.join(modeDir, 'latest'))).toBe(runs[1]);
    expect(snapshot(path.join(modeDir, one!))).toEqual(before);
    expect(leftovers(modeDir)).toEqual([]);
    // Both runs are the same backtest: the same summary apart from the measured timing.
    const summary = (r: string): unknown => ({ ...(JSON.parse(readFileSync(path.join(modeDir, r, 'summary.json'), 'utf8')) as Record<string, unknown>), timing: null });
    expect(summary(runs[1]!)).toEqual(summary(runs[0]!));
  });

  it('a latest that is not a link Basis made is left alone, with a note', () => {
    const results = path.join(scratch('default-latest'), 'results');
    const modeDir = path.join(results, 'pure_lending');
    mkdirSync(path.join(modeDir, 'latest'), { recursive: true });
    writeFileSync(path.join(modeDir, 'latest', 'mine.txt'), 'mine');
    const before = snapshot(path.join(modeDir, 'latest'));
    const r = cli([...SHORT, '--set', `paths.resultsDir=${results}`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/kept .*latest: it is not a link Basis made/);
    expect(runDirs(modeDir).length).toBe(1);
    expect(snapshot(path.join(modeDir, 'latest'))).toEqual(before);
  });

  it('a results directory inside the data directory or the package source is refused before anything is written', () => {
    const root = scratch('default-guard');
    const data = path.join(root, 'data');
    cpSync(SHARED_DATA, data, { recursive: true });
    const before = snapshot(root);
    const args = [...SHORT.slice(0, -1), data];
    expect(expectCoded(cli([...args, '--set', `paths.resultsDir=${path.join(data, 'results')}`]), 'RUN-002')).toMatch(/inside the data directory/);
    expect(snapshot(root)).toEqual(before);
    expectCoded(cli([...SHORT, '--set', 'paths.resultsDir=src']), 'RUN-002');
  });
});
