import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SHORT, cli, expectCoded, killAt, leftovers, scratch, snapshot } from './helpers.js';

/** The pid of a process that has already exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

describe('basis runs gc', () => {
  it('--dry-run lists a dead leftover and removes nothing; gc removes it and only it', async () => {
    const root = scratch('gc');
    writeFileSync(path.join(root, 'notes.txt'), 'mine');
    await killAt([...SHORT, '--out', path.join(root, 'run')], 'temp-written');
    const [left] = leftovers(root);
    expect(left).toMatch(/^\.basis-tmp-\d+-[0-9a-f]+$/);
    const before = snapshot(root);
    const dry = cli(['runs', 'gc', '--dry-run', root]);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`would remove temporary backtest directory ${path.join(root, left!)}`);
    expect(dry.stdout).toMatch(/1 of 1 leftover would be settled/);
    expect(snapshot(root)).toEqual(before);
    const json = JSON.parse(cli(['runs', 'gc', '--dry-run', '--json', root]).stdout) as { leftovers: { path: string; kind: string; owner: string; target: string }[] };
    expect(json.leftovers).toEqual([expect.objectContaining({ path: path.join(root, left!), kind: 'backtest', owner: 'dead', target: path.join(root, 'run') })]);
    const gc = cli(['runs', 'gc', root]);
    expect(gc.stdout).toMatch(/1 of 1 leftover settled/);
    expect(readdirSync(root)).toEqual(['notes.txt']);
    expect(cli(['runs', 'gc', root]).stdout).toBe('no leftovers\n');
  });

  it('keeps the temp dir of a run that is still going, and removes it once that run is killed', async () => {
    const root = scratch('gc-live');
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'basis.js'), ...SHORT, '--out', path.join(root, 'run')], { env: { ...process.env, BASIS_FAULT_PAUSE: 'temp-written' }, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await new Promise<void>((resolve) => {
      let err = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (c: string) => {
        err += c;
        if (err.includes('paused temp-written')) resolve();
      });
    });
    try {
      const gc = cli(['runs', 'gc', root]);
      expect(gc.stdout).toMatch(new RegExp(`kept temporary backtest directory .* of pid ${child.pid} \\(alive\\): owner still running`));
      expect(leftovers(root).length).toBe(1);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    cli(['runs', 'gc', root]);
    expect(readdirSync(root)).toEqual([]);
  });

  it('never touches what it did not create: user dirs with our prefix, forged or unreadable markers, other names', () => {
    const root = scratch('gc-foreign');
    const pid = deadPid();
    // A user's folder that happens to look like a temp dir: content, no marker.
    mkdirSync(path.join(root, `.basis-tmp-${pid}-abc`));
    writeFileSync(path.join(root, `.basis-tmp-${pid}-abc`, 'thesis.txt'), 'mine');
    // A marker copied from elsewhere: its target is not beside it.
    mkdirSync(path.join(root, `.basis-tmp-${pid}-def`));
    writeFileSync(
      path.join(root, `.basis-tmp-${pid}-def`, '.basis-tmp.json'),
      JSON.stringify({ basisTemp: 1, kind: 'backtest', target: '/somewhere/else', owner: { pid, procStart: null, bootId: null, host: 'h' }, createdAt: 'x' }),
    );
    writeFileSync(path.join(root, `.basis-tmp-${pid}-def`, 'data.csv'), 'a,b\n');
    // Our name with a file, not a directory; and ordinary user entries.
    writeFileSync(path.join(root, `.basis-tmp-${pid}-0f`), 'a file');
    mkdirSync(path.join(root, 'payload'));
    writeFileSync(path.join(root, '.basis-tmp.json'), '{}');
    const before = snapshot(root);
    const gc = cli(['runs', 'gc', root]);
    expect(gc.status).toBe(0);
    expect(gc.stdout).toMatch(/kept temporary unmarked directory .*-abc .*: no valid \.basis-tmp\.json and not empty/);
    expect(gc.stdout).toMatch(/kept temporary unmarked directory .*-def/);
    expect(snapshot(root)).toEqual(before);
  });

  it('removes an empty temp dir of a dead writer killed before its marker was written, and a dead temp link', () => {
    const root = scratch('gc-empty');
    const pid = deadPid();
    mkdirSync(path.join(root, `.basis-tmp-${pid}-1a2b`));
    mkdirSync(path.join(root, `.basis-tmp-${pid}-3c4d`));
    writeFileSync(path.join(root, `.basis-tmp-${pid}-3c4d`, '.basis-tmp.json'), '');
    mkdirSync(path.join(root, 'run'));
    spawnSync('ln', ['-s', 'run', path.join(root, `.basis-link-${pid}-5e6f`)]);
    const gc = cli(['runs', 'gc', root]);
    expect(gc.stdout).toMatch(/3 of 3 leftovers settled/);
    expect(readdirSync(root)).toEqual(['run']);
  });

  it('looks one level down (the results dir holds a folder per mode); a missing or non-directory argument is CLI-001', async () => {
    const root = scratch('gc-depth');
    await killAt([...SHORT, '--out', path.join(root, 'pure_lending', 'run')], 'temp-created');
    expect(leftovers(path.join(root, 'pure_lending')).length).toBe(1);
    expect(cli(['runs', 'gc', root]).stdout).toMatch(/removed temporary backtest directory/);
    expect(readdirSync(path.join(root, 'pure_lending'))).toEqual([]);
    writeFileSync(path.join(root, 'file'), 'x');
    expectCoded(cli(['runs', 'gc', path.join(root, 'file')]), 'CLI-001');
    expectCoded(cli(['runs', 'gc', path.join(root, 'missing')]), 'CLI-001');
  });
});
