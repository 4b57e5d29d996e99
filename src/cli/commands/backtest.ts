import type { Command } from 'commander';

export function registerBacktestCommand(program: Command): void {
  void program;
}
