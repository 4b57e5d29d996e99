import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SHARED_DATA, SHORT, cli, expectCoded, expectCompleteRun, leftovers, runId, scratch, snapshot } from './helpers.js';

/** A folder of the user's: notes in a sub-folder, a hidden file, a binary file. */
function userFolder(root: string): string {
  const dir = path.join(root, 'notes');
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  writeFileSync(path.join(dir, 'thesis.txt'), 'my thesis\n');
  writeFileSync(path.join(dir, 'sub', 'n.md'), '# notes\n');
  writeFileSync(path.join(dir, '.hidden'), 'h');
  writeFileSync(path.join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 255]));
  return dir;
}

describe('basis backtest --out: never replaces what the user owns', () => {
  it('a non-empty folder of user files is refused (RUN-001, naming the path and what is there), byte-identical afterwards', () => {
    const root = scratch();
    const notes = userFolder(root);
    const before = snapshot(root);
    for (const extra of [[], ['--force']]) {
      const err = expectCoded(cli([...SHORT, '--out', notes, ...extra]), 'RUN-001');
      expect(err).toContain(notes);
      expect(err).toMatch(/4 entries \(\.hidden, blob\.bin, sub, thesis\.txt\)/);
    }
    expect(snapshot(root)).toEqual(before);
  });

  it('a plain file is refused (RUN-002) and kept', () => {
    const root = scratch();
    const file = path.join(root, 'afile');
    writeFileSync(file, 'keep\n');
    const before = snapshot(root);
    expect(expectCoded(cli([...SHORT, '--out', file]), 'RUN-002')).toMatch(/is a file/);
    expect(expectCoded(cli([...SHORT, '--out', path.join(file, 'run')]), 'BT-005')).toContain(file);
    expect(snapshot(root)).toEqual(before);
  });

  it('an empty --out, "." and the current directory are refused, with or without contents', () => {
    const cwd = scratch();
    writeFileSync(path.join(cwd, 'important.txt'), 'mine');
    const before = snapshot(cwd);
    expect(expectCoded(cli([...SHORT, '--out', ''], { cwd }), 'RUN-002')).toMatch(/--out is empty/);
    expect(expectCoded(cli([...SHORT, '--out', '.'], { cwd }), 'RUN-002')).toMatch(/current directory/);
    expect(expectCoded(cli([...SHORT, '--out', cwd], { cwd }), 'RUN-002')).toMatch(/current directory/);
    expect(expectCoded(cli([...SHORT, '--out', path.dirname(cwd)], { cwd }), 'RUN-002')).toMatch(/contains the current directory/);
    expect(snapshot(cwd)).toEqual(before);
    const empty = scratch();
    expectCoded(cli([...SHORT, '--out', '.'], { cwd: empty }), 'RUN-002');
    expect(readdirSync(empty)).toEqual([]);
  });

  it('the data directory, a folder inside it and an ancestor of it are refused; the data is byte-identical', () => {
    const root = scratch();
    const data = path.join(root, 'data');
    cpSync(SHARED_DATA, data, { recursive: true });
    const before = snapshot(root);
    const args = [...SHORT.slice(0, -1), data];
    expect(expectCoded(cli([...args, '--out', data]), 'RUN-002')).toMatch(/is the data directory/);
    expect(expectCoded(cli([...args, '--out', path.join(data, 'results')]), 'RUN-002')).toMatch(/inside the data directory/);
    expect(expectCoded(cli([...args, '--out', root]), 'RUN-002')).toMatch(/contains the data directory/);
    // Through a symbolic link too.
    symlinkSync(data, path.join(root, 'data-link'));
    const withLink = snapshot(root);
    expect(expectCoded(cli([...args, '--out', path.join(root, 'data-link')]), 'RUN-002')).toMatch(/is the data directory/);
    expect(snapshot(root)).toEqual(withLink);
    delete withLink['data-link'];
    expect(withLink).toEqual(before);
  });

  it('the package itself, its src/ and configs/ and an ancestor of it are refused', () => {
    const top = readdirSync(REPO_ROOT).sort();
    expect(expectCoded(cli([...SHORT, '--out', REPO_ROOT]), 'RUN-002')).toMatch(/package directory/);
    expect(expectCoded(cli([...SHORT, '--out', path.join(REPO_ROOT, 'src')]), 'RUN-002')).toMatch(/src\/ folder/);
    expect(expectCoded(cli([...SHORT, '--out', path.join(REPO_ROOT, 'configs', 'new')]), 'RUN-002')).toMatch(/configs\/ folder/);
    expect(expectCoded(cli([...SHORT, '--out', path.dirname(REPO_ROOT)]), 'RUN-002')).toMatch(/contains the Basis package directory/);
    expect(expectCoded(cli([...SHORT, '--out', '/']), 'RUN-002')).toMatch(/contains/);
    expect(readdirSync(REPO_ROOT).sort()).toEqual(top);
    expect(existsSync(path.join(REPO_ROOT, 'configs', 'new'))).toBe(false);
  });

  it('a symbolic link is refused, even to an empty directory', () => {
    const root = scratch();
    mkdirSync(path.join(root, 'empty'));
    symlinkSync(path.join(root, 'empty'), path.join(root, 'link'));
    const before = snapshot(root);
    expect(expectCoded(cli([...SHORT, '--out', path.join(root, 'link')]), 'RUN-002')).toMatch(/symbolic link/);
    expect(snapshot(root)).toEqual(before);
  });

  it('a new path (parents created) and an empty directory get a complete run, and nothing else is left beside them', () => {
    const root = scratch();
    const fresh = path.join(root, 'fresh', 'run');
    const r = cli([...SHORT, '--out', fresh]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`results: ${fresh}/`);
    expectCompleteRun(fresh);
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    expect(cli([...SHORT, '--out', empty]).status).toBe(0);
    expectCompleteRun(empty);
    expect(readdirSync(root).sort()).toEqual(['empty', 'fresh']);
    expect(readdirSync(path.join(root, 'fresh'))).toEqual(['run']);
  });

  it('an earlier run is refused without --force; with --force it is replaced only by a complete run', () => {
    const root = scratch();
    const out = path.join(root, 'run');
    expect(cli([...SHORT, '--out', out]).status).toBe(0);
    const first = snapshot(out);
    const err = expectCoded(cli([...SHORT, '--out', out]), 'RUN-001');
    expect(err).toMatch(/earlier Basis run directory; add --force/);
    expect(snapshot(out)).toEqual(first);
    const oldId = runId(out);
    const r = cli([...SHORT, '--out', out, '--force']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/replaced the earlier output/);
    expectCompleteRun(out);
    expect(runId(out)).not.toBe(oldId);
    expect(leftovers(root)).toEqual([]);
    expect(readdirSync(root)).toEqual(['run']);
  });

  it('--force on a run that also holds a user file is refused (RUN-003) and changes nothing', () => {
    const root = scratch();
    const out = path.join(root, 'run');
    expect(cli([...SHORT, '--out', out]).status).toBe(0);
    writeFileSync(path.join(out, 'my-analysis.txt'), 'important');
    mkdirSync(path.join(out, 'charts'));
    const before = snapshot(root);
    const err = expectCoded(cli([...SHORT, '--out', out, '--force']), 'RUN-003');
    expect(err).toMatch(/charts\/, my-analysis\.txt/);
    expect(snapshot(root)).toEqual(before);
  });

  it('--force on a folder with a summary.json that Basis did not write is refused', () => {
    const root = scratch();
    const out = path.join(root, 'report');
    mkdirSync(out);
    writeFileSync(path.join(out, 'summary.json'), JSON.stringify({ title: 'my own summary' }));
    const before = snapshot(root);
    expectCoded(cli([...SHORT, '--out', out, '--force']), 'RUN-001');
    expect(snapshot(root)).toEqual(before);
  });

  it('a run directory from before the marker (the five result files only) is replaced with --force', () => {
    const root = scratch();
    const out = path.join(root, 'run');
    expect(cli([...SHORT, '--out', out]).status).toBe(0);
    // What an earlier Basis wrote: the same files without .basis-run.json.
    const legacy = path.join(root, 'legacy');
    mkdirSync(legacy);
    for (const f of ['summary.json', 'config.json', 'timeseries.csv', 'events.jsonl', 'report.html']) writeFileSync(path.join(legacy, f), readFileSync(path.join(out, f)));
    expectCoded(cli([...SHORT, '--out', legacy]), 'RUN-001');
    expect(cli([...SHORT, '--out', legacy, '--force']).status).toBe(0);
    expectCompleteRun(legacy);
  });

  it('--force without --out is a usage error', () => {
    expectCoded(cli([...SHORT, '--force']), 'CLI-001');
  });
});
