// The logging surface: the pino logger factory, redaction and the Logger type.
export { createLogger, silentLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export { readSecret, redactSecrets } from './secrets.ts';
export { SECRET_ENV_VARS } from './secrets.ts';
export type { SecretName } from './secrets.ts';
