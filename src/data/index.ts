export * from './series.js';
export { CATALOG, SERIES_KEYS, type CatalogEntry, type SeriesShape } from './catalog.js';
export { dataPolicySchema, seriesPolicySchema, policyFor, type DataPolicy, type SeriesPolicy } from './policy.js';
export { parseCsv, parseTimestamp, ParsedCsv } from './csv.js';
export { resolveDataDir, dataDirHasData, SYNTHETIC_MARKER } from './dataDir.js';
export { openHistoricalData, checkData, listDataFiles, parseDataFile, type OpenOptions, type CheckOptions } from './provider.js';
export { formatDataCheck, type DataCheckReport, type DataFileReport } from './report.js';
export { HistoricalTimeline } from './timeline.js';
export { loadRewardSchedule, type RewardPayout, type RewardSchedule } from './rewards.js';
