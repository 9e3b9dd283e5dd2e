// Public surface of the config module.
export { configSchema, type Config, type ConfigInput, type ParsedConfig } from './schema.ts';
export { parseConfig, resolveRiskPlan } from './riskPlan.ts';
export { loadConfig, validateConfig, resolveConfigPath, applyEnvOverrides, envOverrides, type EnvOverride, type LoadedConfig } from './loader.ts';
export { checkConfigRules, CONFIG_RULES } from './rules.ts';
export { readSecret, redactSecrets, SECRET_ENV_VARS, type SecretName } from '../log/index.ts';
export { instrumentOf } from './instrument.ts';
export { describeValue } from './describeValue.ts';
export { instrumentConfig, rthWindowOf, sessionSymbols } from './instrument.ts';
export { optimizeSchema } from './sections/optimize.ts';
export { objectiveSchema } from './sections/optimize.ts';
export type {} from './sections/optimize.ts';
export { FEATURE_NAMES } from './sections/regime.ts';
export { ZONE_EXPECTED, isKnownZone } from './zoneCheck.ts';
