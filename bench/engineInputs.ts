import path from 'node:path';
import { resolveRunParams, type BasisConfig } from '../src/config/index.js';
import { openHistoricalData } from '../src/data/index.js';
import type { ModeName, RunParams } from '../src/domain/params.js';
import { rewardScheduleFor } from '../src/engine/backtest.js';

/** What the engine of one mode needs, loaded once for many timed runs: its parameters, timeline and reward schedule. */
export async function engineInputs(config: BasisConfig, mode: ModeName, dataDir: string, root: string): Promise<{ params: RunParams; timeline: Awaited<ReturnType<typeof openHistoricalData>>; rewards: ReturnType<typeof rewardScheduleFor> }> {
  const params = resolveRunParams(config, mode);
  const cacheDir = config.paths.cacheDir === null ? null : path.resolve(root, config.paths.cacheDir);
  const timeline = await openHistoricalData({
    dataDir,
    requirements: params.mode.dataRequirements,
    policy: config.data,
    stepMinutes: params.engine.stepMinutes,
    fundingHoursUtc: params.engine.fundingHoursUtc,
    cacheDir,
  });
  return { params, timeline, rewards: rewardScheduleFor(params, dataDir, config.data, cacheDir) };
}
