// test/corpus/types.ts (create it if absent, identical in every worktree; do not change its shape)
export interface CorpusCase {
  readonly name: string;
  readonly class: 'csv' | 'config' | 'cli' | 'audit' | 'cache' | 'crash';
  /** Prepare the scratch directory (write files, copy data, run a good backtest, corrupt something). `dataDir` is
   * a private writable copy of the real data for this case when `needsDataCopy`, else the read-only shared data. */
  readonly setup?: (ctx: { scratch: string; dataDir: string; run: (args: string[]) => CorpusRun }) => void;
  readonly needsDataCopy?: boolean;
  /** CLI args after `basis`; may reference ctx via a function. */
  readonly args: readonly string[] | ((ctx: { scratch: string; dataDir: string }) => readonly string[]);
  /** Extra env vars. */
  readonly env?: Readonly<Record<string, string>>;
  readonly expect: { readonly code: string } | { readonly accepted: true; readonly why: string };
}
export interface CorpusRun { readonly status: number; readonly stdout: string; readonly stderr: string }
