export * from './types.js';
export * from './metrics.js';
export * from './timeseriesCsv.js';
export * from './summaryText.js';
export * from './html.js';
export * from './downsample.js';
export * from './writeResults.js';
export * from './progress.js';
export { fmtAmount, fmtPct, fmtNum, fmtInt, amountDecimals } from './format.js';
