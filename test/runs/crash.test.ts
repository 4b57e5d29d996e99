import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHORT, cli, expectCoded, expectCompleteRun, killAt, leftovers, runDirs, runId, scratch, snapshot } from './helpers.js';

/**
 * SIGKILL of a real CLI process at each point of the write protocol (BASIS_FAULT_PAUSE makes it stop there). After
 * each kill: no new run or a complete one, the previous run byte-identical (or, killed between the two renames,
 * byte-identical once put back), and the next run or `basis runs gc` settles the leftover.
 */
describe('kill -9 during a run into the results directory', () => {
  const setup = (): { results: string; modeDir: string; args: string[]; previous: string; before: Record<string, string> } => {
    const root = scratch('crash');
    const results = path.join(root, 'results');
    const args = [...SHORT, '--set', `paths.resultsDir=${results}`];
    expect(cli(args).status).toBe(0);
    const modeDir = path.join(results, 'pure_lending');
    const [previous] = runDirs(modeDir);
    return { results, modeDir, args, previous: previous!, before: snapshot(path.join(modeDir, previous!)) };
  };

  it.each(['temp-created', 'temp-partial', 'temp-written', 'new-in-place', 'before-latest-link', 'latest-temp-link'])('killed at %s', async (point) => {
    const { results, modeDir, args, previous, before } = setup();
    await killAt(args, point);
    const runs = runDirs(modeDir);
    // No new run, or one complete new run.
    expect(runs.length === 1 || runs.length === 2, runs.join(', ')).toBe(true);
    for (const r of runs) expectCompleteRun(path.join(modeDir, r));
    expect(runs.length).toBe(point === 'new-in-place' || point === 'before-latest-link' || point === 'latest-temp-link' ? 2 : 1);
    // The previous run is untouched and `latest` names a complete run: still the previous one.
    expect(snapshot(path.join(modeDir, previous))).toEqual(before);
    expect(readlinkSync(path.join(modeDir, 'latest'))).toBe(previous);
    expect(leftovers(modeDir).length).toBe(point === 'before-latest-link' ? 0 : 1);

    const gc = cli(['runs', 'gc', results]);
    expect(gc.status, gc.stderr).toBe(0);
    expect(gc.stdout).toMatch(point === 'before-latest-link' ? /no leftovers/ : /removed temporary .* of pid \d+ \(dead\)/);
    expect(leftovers(modeDir)).toEqual([]);
    expect(runDirs(modeDir)).toEqual(runs);
    expect(snapshot(path.join(modeDir, previous))).toEqual(before);
  });

  it('the next run removes the leftover itself and points latest at the newest run', async () => {
    const { modeDir, args, previous, before } = setup();
    await killAt(args, 'temp-written');
    expect(leftovers(modeDir).length).toBe(1);
    const r = cli(args);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/removed temporary backtest directory .*\.basis-tmp-\d+-[0-9a-f]+ of pid \d+ \(dead\)/);
    expect(leftovers(modeDir)).toEqual([]);
    const runs = runDirs(modeDir);
    expect(runs.length).toBe(2);
    expect(readlinkSync(path.join(modeDir, 'latest'))).toBe(runs[1]);
    expect(snapshot(path.join(modeDir, previous))).toEqual(before);
  });
});

describe('kill -9 while --force replaces an earlier run', () => {
  const setup = (): { root: string; out: string; args: string[]; before: Record<string, string>; oldId: string } => {
    const root = scratch('crash-force');
    const out = path.join(root, 'run');
    expect(cli([...SHORT, '--out', out]).status).toBe(0);
    return { root, out, args: [...SHORT, '--out', out, '--force'], before: snapshot(out), oldId: runId(out) };
  };

  it('killed after the new run is written: the old run is intact, gc removes the temp dir', async () => {
    const { root, out, args, before } = setup();
    await killAt(args, 'temp-written');
    expect(snapshot(out)).toEqual(before);
    expect(leftovers(root).length).toBe(1);
    expect(cli(['runs', 'gc', root]).status).toBe(0);
    expect(readdirSync(root)).toEqual(['run']);
    expect(snapshot(out)).toEqual(before);
  });

  it('killed between the renames: gc puts the previous run back, byte-identical', async () => {
    const { root, out, args, before } = setup();
    await killAt(args, 'old-moved-aside');
    expect(existsSync(out)).toBe(false); // moved aside into the marked temp dir, not lost
    const dry = cli(['runs', 'gc', '--dry-run', root]);
    expect(dry.stdout).toMatch(/would restore temporary backtest directory .* \(the previous output goes back to .*run\)/);
    expect(existsSync(out)).toBe(false);
    const gc = cli(['runs', 'gc', root]);
    expect(gc.stdout).toMatch(/^restored /m);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(root)).toEqual(['run']);
  });

  it('killed between the renames: the next run without --force puts the previous run back and refuses to replace it', async () => {
    const { root, out, args, before } = setup();
    await killAt(args, 'old-moved-aside');
    const r = cli(args.filter((a) => a !== '--force'));
    expect(r.stderr).toMatch(/^restored temporary backtest directory/m);
    expectCoded(r, 'RUN-001');
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(root)).toEqual(['run']);
  });

  it('killed after the new run is in place: the new run is complete, gc removes the old one', async () => {
    const { root, out, args, oldId } = setup();
    await killAt(args, 'new-in-place');
    expectCompleteRun(out);
    expect(runId(out)).not.toBe(oldId);
    expect(leftovers(root).length).toBe(1);
    const again = cli(args);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/^removed temporary backtest directory/m);
    expect(readdirSync(root)).toEqual(['run']);
    expectCompleteRun(out);
  });
});

describe('kill -9 while data synth replaces an earlier set', () => {
  const synth = (out: string, end: string): string[] => ['data', 'synth', '--seed', '3', '--start', '2024-01-01', '--end', end, '--out', out];

  it.each(['temp-written', 'old-moved-aside', 'new-in-place'])('killed at %s: the earlier set or the complete new one, never a mix', async (point) => {
    const root = scratch('crash-synth');
    const out = path.join(root, 'data');
    expect(cli(synth(out, '2024-01-02')).status).toBe(0);
    const before = snapshot(out);
    const fresh = path.join(root, 'reference');
    expect(cli(synth(fresh, '2024-01-03')).status).toBe(0);
    const after = snapshot(fresh);
    await killAt(synth(out, '2024-01-03'), point);
    if (point === 'old-moved-aside') expect(existsSync(out)).toBe(false);
    else expect(snapshot(out)).toEqual(point === 'new-in-place' ? after : before);
    expect(cli(['runs', 'gc', root]).status).toBe(0);
    expect(snapshot(out)).toEqual(point === 'new-in-place' ? after : before);
    expect(readdirSync(root).sort()).toEqual(['data', 'reference']);
  });
});
