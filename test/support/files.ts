import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `root` (none when it does not exist), as sorted `/`-separated relative paths. */
export function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((p) => statSync(join(root, p)).isFile())
    .map((p) => p.split('\\').join('/'))
    .sort();
}
