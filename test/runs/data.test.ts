import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startReplayServer } from '../download/server.js';
import { cli, cliAsync, expectCoded, killAt, leftovers, scratch, snapshot } from './helpers.js';

const synth = (out: string, end = '2024-01-02'): string[] => ['data', 'synth', '--seed', '5', '--start', '2024-01-01', '--end', end, '--out', out];
const hidden = (dir: string): string[] => readdirSync(dir).filter((n) => n.startsWith('.'));

describe('basis data synth --out: a new or empty directory, or an earlier synthetic set of nothing else', () => {
  it('a folder of user files, a file, an empty --out and the current directory are refused; nothing changes', () => {
    const root = scratch('data');
    mkdirSync(path.join(root, 'notes'));
    writeFileSync(path.join(root, 'notes', 'a.txt'), 'mine');
    writeFileSync(path.join(root, 'file'), 'keep');
    const before = snapshot(root);
    expect(expectCoded(cli(synth(path.join(root, 'notes'))), 'DPR-010')).toMatch(/not empty and not a synthetic data set \(no SYNTHETIC\.json\)/);
    expect(expectCoded(cli(synth(path.join(root, 'file'))), 'DPR-010')).toMatch(/is a file/);
    expectCoded(cli(synth(''), { cwd: root }), 'DPR-010');
    expect(expectCoded(cli(synth('.'), { cwd: root }), 'DPR-010')).toMatch(/current directory/);
    expect(snapshot(root)).toEqual(before);
  });

  it('writes into an empty directory with no temp marker left; replaces an earlier set whole; refuses one with a user file in it', () => {
    const root = scratch('data-replace');
    const out = path.join(root, 'set');
    mkdirSync(out);
    expect(cli(synth(out, '2024-01-05')).status).toBe(0);
    expect(hidden(out)).toEqual([]);
    const r = cli(synth(out, '2024-01-02'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/replaced the earlier output/);
    const files = Object.keys(snapshot(out));
    expect(files.filter((f) => f.includes('2024-01-05'))).toEqual([]);
    expect(files.filter((f) => f.includes('2024-01-02')).length).toBeGreaterThan(0);
    writeFileSync(path.join(out, 'binance', 'my-notes.txt'), 'mine');
    const before = snapshot(root);
    expect(expectCoded(cli(synth(out, '2024-01-05')), 'DPR-010')).toMatch(/binance\/my-notes\.txt/);
    expect(snapshot(root)).toEqual(before);
    expect(leftovers(root)).toEqual([]);
  });
});

describe('basis data download --out', () => {
  it('a non-empty folder that is not a download, or a synthetic set, is refused before any request', () => {
    const root = scratch('dl');
    mkdirSync(path.join(root, 'mine', 'binance'), { recursive: true });
    writeFileSync(path.join(root, 'mine', 'binance', 'prices.csv'), 'timestamp,close\n');
    expect(cli(synth(path.join(root, 'synthetic'))).status).toBe(0);
    const before = snapshot(root);
    // An unreachable RPC: a refusal must come before any request is tried.
    const args = ['data', 'download', '--start', '2024-05-12', '--end', '2024-05-12', '--venues', 'none', '--rpc-url', 'http://127.0.0.1:9/rpc'];
    expect(expectCoded(cli([...args, '--out', path.join(root, 'mine')]), 'DPR-010')).toMatch(/not a downloaded data set \(no DOWNLOAD\.json\)/);
    expect(expectCoded(cli([...args, '--out', path.join(root, 'synthetic')]), 'DPR-010')).toMatch(/synthetic data set/);
    expectCoded(cli([...args, '--out', path.join(root, 'mine', 'binance', 'prices.csv')]), 'DPR-010');
    expect(snapshot(root)).toEqual(before);
  });

  it('a fresh directory gets the set; an earlier download is replaced whole, one with a user file is refused', async () => {
    const server = await startReplayServer();
    try {
      const root = scratch('dl-ok');
      const out = path.join(root, 'dl');
      const args = ['data', 'download', '--start', '2024-05-12', '--end', '2024-05-12', '--venues', 'none', '--rpc-url', `${server.url}/rpc`, '--out', out];
      const first = await cliAsync(args);
      expect(first.status, first.stderr).toBe(0);
      expect(hidden(out)).toEqual([]);
      const set = snapshot(out);
      expect(Object.keys(set)).toContain('DOWNLOAD.json');
      const again = await cliAsync(args);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/replaced the earlier output/);
      expect(Object.keys(snapshot(out))).toEqual(Object.keys(set));
      writeFileSync(path.join(out, 'README.txt'), 'my notes about this download');
      const before = snapshot(root);
      expectCoded(await cliAsync(args), 'DPR-010');
      expect(snapshot(root)).toEqual(before);
    } finally {
      await server.close();
    }
  });

  it('killed between the renames while replacing an earlier download: gc puts the earlier set back, byte-identical', async () => {
    const server = await startReplayServer();
    try {
      const root = scratch('dl-crash');
      const out = path.join(root, 'dl');
      const args = ['data', 'download', '--start', '2024-05-12', '--end', '2024-05-12', '--venues', 'none', '--rpc-url', `${server.url}/rpc`, '--out', out];
      expect((await cliAsync(args)).status).toBe(0);
      const before = snapshot(out);
      await killAt(args, 'old-moved-aside');
      expect(existsSync(out)).toBe(false);
      expect(leftovers(root).length).toBe(1);
      expect(cli(['runs', 'gc', root]).stdout).toMatch(/^restored temporary download directory/m);
      expect(snapshot(out)).toEqual(before);
      expect(readdirSync(root)).toEqual(['dl']);
    } finally {
      await server.close();
    }
  });
});
