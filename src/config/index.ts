export { loadConfig, ENVIRONMENTS, PACKAGE_ROOT, type EnvironmentName, type LoadConfigOptions, type LoadedConfig } from './load.js';
export { resolveRunParams, modeWindow, modeFlows } from './runParams.js';
export { internStrings } from './intern.js';
export { redactSecrets, redactUrl, redactUrlsIn, isSecretName, isSecretPath, REDACTED } from './redact.js';
export { formatSource, LAYERS, type ExplainedValue, type LayerName, type ValueSource } from './sources.js';
export {
  basisConfigSchema,
  modeParamsSchema,
  modeConfigSchema,
  strategySchema,
  riskSchema,
  cexVenueParamsSchema,
  aaveSchema,
  costsSchema,
  engineSchema,
  venueFileSchema,
  shareClassFileSchema,
  secretsSchema,
  GAS_OPERATIONS,
  type BasisConfig,
  type ModeConfig,
  type VenueFile,
  type ShareClassFile,
  type Secrets,
} from './schema.js';
export { ENV_PREFIX } from './overrides.js';
