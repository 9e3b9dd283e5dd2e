// Integration deps for one-shot CLI commands (calendar, sentiment, vix): stderr logger, alerts as notes, wall clock.

import { resolveConfigPath, type LoadedConfig } from '../config/index.ts';
import { redactSecrets, createLogger } from '../log/index.ts';
import type { IntegrationDeps } from '../integrations/index.ts';
import { formatIsoInZone, systemClock } from '../domain/index.ts';
import { note } from './output.ts';

/** Deps of a CLI run: warnings and errors logged to stderr, alerts printed as notes, the cache folder of the config. */
export function cliIntegrationDeps(loaded: LoadedConfig): IntegrationDeps {
  return {
    logger: createLogger({ level: process.env.TXBOT_LOG_LEVEL ?? 'warn', pretty: false }),
    publishAlert: (a) => note(redactSecrets(`alert ${a.code} (${a.severity}): ${a.title}: ${a.text}`)),
    nowMs: () => systemClock.nowMs(),
    cacheDir: resolveConfigPath(loaded, loaded.config.filters.cache_dir),
  };
}

/** "HH:MM" ET of an instant. */
export function etClock(tsMs: number): string {
  return formatIsoInZone('America/New_York', tsMs).slice(11, 16);
}
