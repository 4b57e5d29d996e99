// One measured run in a fresh process (compiled code, as the CLI runs it), so peak RSS and the whole-run
// time are this run's alone. Usage: node bench/child.js <mode> <whole|memory> <dataDir> <outDir> [path=value…]
import { runBacktest, writeBacktestResults } from '../dist/engine/backtest.js';

const [mode = 'pure_lending', kind = 'whole', dataDir, outDir, ...set] = process.argv.slice(2);
const t0 = performance.now();
const out = await runBacktest({ mode, dataDir, progress: false, set });
const wholeRunMs = performance.now() - t0;
if (kind === 'memory' && outDir) await writeBacktestResults(outDir, out);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ mode, wholeRunMs, loadMs: out.summary.timing.loadMs, runMs: out.summary.timing.runMs, steps: out.summary.steps, peakRssMb }) + '\n');
