import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BasisError } from '../../src/errors/base.js';
import { writeResultsAtomically } from '../../src/report/writeResults.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'basis-write-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const entries = async (): Promise<string[]> => (await readdir(root)).sort();

async function expectBt005(p: Promise<unknown>, pathPart: string): Promise<BasisError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BasisError);
  const be = err as BasisError;
  expect(be.code).toBe('BT-005');
  expect(be.exitCode).toBe(73);
  expect(be.message + JSON.stringify(be.problems)).toContain(pathPart);
  return be;
}

describe('writeResultsAtomically', () => {
  it('writes every file (text, binary, sub-folder) into a new directory', async () => {
    const out = path.join(root, 'nested', 'run-1');
    await writeResultsAtomically(out, [
      { name: 'summary.txt', content: 'hello\n' },
      { name: 'timeseries.csv', content: 'timestamp,equity\n' },
      { name: 'bin/blob.dat', content: Uint8Array.from([0, 1, 2, 255]) },
    ]);
    expect(await readFile(path.join(out, 'summary.txt'), 'utf8')).toBe('hello\n');
    expect(await readFile(path.join(out, 'timeseries.csv'), 'utf8')).toBe('timestamp,equity\n');
    expect([...(await readFile(path.join(out, 'bin/blob.dat')))]).toEqual([0, 1, 2, 255]);
    expect(await readdir(path.join(root, 'nested'))).toEqual(['run-1']); // no temp or old dirs left
    expect(await readdir(out)).toEqual(['.basis-run.json', 'bin', 'summary.txt', 'timeseries.csv']);
  });

  it('refuses a non-empty directory that is not a run, even with force, and leaves it untouched', async () => {
    const out = path.join(root, 'run');
    await mkdir(out);
    await writeFile(path.join(out, 'notes.txt'), 'mine');
    for (const force of [false, true]) {
      const err = await writeResultsAtomically(out, [{ name: 'summary.txt', content: 'new' }], { force }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(BasisError);
      expect((err as BasisError).code).toBe('RUN-001');
      expect((err as BasisError).message).toContain(out);
    }
    expect(await readdir(out)).toEqual(['notes.txt']);
    expect(await readFile(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await entries()).toEqual(['run']);
  });

  it('with force replaces an earlier run completely (its stale files disappear), and only then', async () => {
    const out = path.join(root, 'run');
    await writeResultsAtomically(out, [{ name: 'stale.txt', content: 'old' }, { name: 'summary.txt', content: 'old summary' }]);
    await expect(writeResultsAtomically(out, [{ name: 'summary.txt', content: 'new summary' }])).rejects.toMatchObject({ code: 'RUN-001' });
    expect(await readFile(path.join(out, 'summary.txt'), 'utf8')).toBe('old summary');
    await writeResultsAtomically(out, [{ name: 'summary.txt', content: 'new summary' }], { force: true });
    expect(await readdir(out)).toEqual(['.basis-run.json', 'summary.txt']);
    expect(await readFile(path.join(out, 'summary.txt'), 'utf8')).toBe('new summary');
    expect(await entries()).toEqual(['run']);
  });

  it('a write that fails part-way leaves no outDir and no temp dir', async () => {
    const out = path.join(root, 'run');
    // The first file is written, then the second cannot be: a directory already occupies its path.
    await expectBt005(
      writeResultsAtomically(out, [
        { name: 'a/b', content: 'first' },
        { name: 'a', content: 'collides with directory a/' },
      ]),
      out,
    );
    expect(await entries()).toEqual([]);
  });

  it('a file name with a NUL byte is rejected and nothing is created', async () => {
    const out = path.join(root, 'run');
    await expectBt005(writeResultsAtomically(out, [{ name: 'ok.txt', content: 'x' }, { name: 'bad\0name', content: 'x' }]), 'bad');
    expect(await entries()).toEqual([]);
  });

  it('an existing run stays intact when the new write fails', async () => {
    const out = path.join(root, 'run');
    await writeResultsAtomically(out, [{ name: 'summary.txt', content: 'previous results' }]);
    const force = { force: true };
    await expectBt005(writeResultsAtomically(out, [{ name: 'x/y.txt', content: '1' }, { name: 'x', content: '2' }], force), out);
    await expectBt005(writeResultsAtomically(out, [{ name: '../escape.txt', content: '1' }], force), 'escape');
    await expectBt005(writeResultsAtomically(out, [{ name: 'same', content: '1' }, { name: 'same', content: '2' }], force), 'duplicate');
    expect(await entries()).toEqual(['run']);
    expect(await readdir(out)).toEqual(['.basis-run.json', 'summary.txt']);
    expect(await readFile(path.join(out, 'summary.txt'), 'utf8')).toBe('previous results');
  });

  it('fails with BT-005 when the parent path is a file', async () => {
    await writeFile(path.join(root, 'file'), 'not a dir');
    await expectBt005(writeResultsAtomically(path.join(root, 'file', 'run'), [{ name: 'a', content: 'x' }]), 'file');
    expect(await entries()).toEqual(['file']);
  });
});

