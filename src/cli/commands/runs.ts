import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { PACKAGE_ROOT } from '../../packageRoot.js';
import { BasisError } from '../../errors/base.js';
import { cleanLeftovers, formatLeftover, type Leftover } from '../../runs/temp.js';
import { registerStoredRunCommands } from './storedRuns.js';

interface GcFlags {
  dryRun?: boolean;
  env?: string;
  json?: boolean;
}

/** `dir` and its sub-directories: the results dir holds one folder per mode, and leftovers sit beside the run they were for. */
function scanDirs(dir: string): string[] {
  const out = [dir];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.basis-')) continue;
    const full = path.join(dir, name);
    if (lstatSync(full).isDirectory()) out.push(full);
  }
  return out;
}

/**
 * `basis runs gc [DIR...]`: settles what killed runs, `data synth` and `data download` left behind in each DIR and
 * its sub-directories (default: the results directory). Only entries with Basis's temp names are looked at; see
 * cleanLeftovers for what is removed, restored or kept.
 */
export async function runsGc(dirs: readonly string[], flags: GcFlags): Promise<Leftover[]> {
  let roots = dirs.map((d) => path.resolve(d));
  if (roots.length === 0) {
    const { loadConfig } = await import('../../config/index.js');
    const { config } = loadConfig({ ...(flags.env !== undefined ? { env: flags.env } : {}), dataDir: null });
    roots = [path.resolve(PACKAGE_ROOT, config.paths.resultsDir)];
  }
  const found: Leftover[] = [];
  for (const root of roots) {
    let st;
    try {
      st = lstatSync(root);
    } catch {
      if (dirs.length === 0) continue; // no results directory yet: nothing to collect
      throw new BasisError('CLI-001', `runs gc: no such directory: ${root}`, { problems: [{ code: 'CLI-001', file: root, message: 'no such directory', expected: 'a directory that holds runs or data sets' }] });
    }
    if (!st.isDirectory()) {
      throw new BasisError('CLI-001', `runs gc: not a directory: ${root}`, { problems: [{ code: 'CLI-001', file: root, message: 'not a directory', expected: 'a directory that holds runs or data sets', received: 'a file' }] });
    }
    for (const d of scanDirs(root)) found.push(...cleanLeftovers(d, { dryRun: flags.dryRun === true }));
  }
  return found;
}

export function registerRunsCommands(program: Command): void {
  const runs = program.command('runs').description('The results store (list, show, compare, export, delete) and run directories (gc).');
  registerStoredRunCommands(runs);
  runs
    .command('gc')
    .description('List and remove the temporary directories and links of killed runs, data syntheses and downloads (a previous run moved aside is put back).')
    .argument('[dir...]', 'directories to look in, with their sub-directories (default: the results directory)')
    .option('--dry-run', 'only list what would be done')
    .option('--env <env>', 'config environment for the default results directory')
    .option('--json', 'print the leftovers as JSON')
    .action(async (dirs: string[], flags: GcFlags) => {
      const found = await runsGc(dirs, flags);
      if (flags.json) {
        process.stdout.write(JSON.stringify({ dryRun: flags.dryRun === true, leftovers: found }, null, 2) + '\n');
        return;
      }
      for (const l of found) process.stdout.write(formatLeftover(l, flags.dryRun === true) + '\n');
      const settled = found.filter((l) => l.action !== 'kept').length;
      process.stdout.write(`${found.length === 0 ? 'no leftovers' : `${settled} of ${found.length} leftover${found.length === 1 ? '' : 's'} ${flags.dryRun ? 'would be settled' : 'settled'}`}\n`);
    });
}
