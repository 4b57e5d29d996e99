import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who made a temporary directory: enough to tell later whether that process is still running. */
export interface Owner {
  readonly pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22); null where /proc is absent. */
  readonly procStart: string | null;
  /** Kernel boot id: a pid from an earlier boot is never running now. Null where /proc is absent. */
  readonly bootId: string | null;
  readonly host: string;
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * State (field 3) and start time (field 22) from /proc/<pid>/stat. The command name (field 2) may hold spaces and
 * parentheses, so fields are counted after the last ')'.
 */
function procStat(pid: number): { state: string; start: string } | null {
  const stat = readOrNull(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  const start = rest[19];
  return state !== undefined && start !== undefined ? { state, start } : null;
}

function bootId(): string | null {
  return readOrNull('/proc/sys/kernel/random/boot_id')?.trim() ?? null;
}

export function currentOwner(): Owner {
  return { pid: process.pid, procStart: procStat(process.pid)?.start ?? null, bootId: bootId(), host: hostname() };
}

/** 'alive', 'dead', or 'unknown' (another host: its processes cannot be seen from here). */
export type Liveness = 'alive' | 'dead' | 'unknown';

/**
 * Whether the owner still runs. A reused pid is told apart by its start time and a reboot by the boot id; without
 * /proc only the pid is checked, which errs on the side of "alive" (a leftover is then kept, never a live one removed).
 */
export function ownerLiveness(owner: Pick<Owner, 'pid'> & Partial<Owner>): Liveness {
  if (owner.host !== undefined && owner.host !== hostname()) return 'unknown';
  const boot = bootId();
  if (owner.bootId && boot && owner.bootId !== boot) return 'dead';
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
  }
  const now = procStat(owner.pid);
  // A killed process its parent has not reaped yet is a zombie: it will never finish its work.
  if (now !== null && (now.state === 'Z' || now.state === 'X')) return 'dead';
  if (owner.procStart && now !== null && now.start !== owner.procStart) return 'dead';
  return 'alive';
}
