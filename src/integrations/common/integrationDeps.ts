// What every integration source is given by the composition root: logger, alert publisher, clock, cache folder.

import type { Logger } from '../../log/index.ts';
import type { Alert } from '../../domain/index.ts';

/**
 * Dependencies of an integration source. The composition root passes a pino child logger, a callback
 * publishing alerts (e.g. `alert => bus.publish({ type: 'alert', alert })`), the run's clock in UTC epoch
 * ms and the folder for cached copies and the sentiment journal (config `filters.cache_dir`).
 */
export interface IntegrationDeps {
  readonly logger: Logger;
  readonly publishAlert: (alert: Alert) => void;
  readonly nowMs: () => number;
  readonly cacheDir: string;
  /** Environment holding the API keys; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Which run the source serves: backtests never call a vendor (no live history), they use files and the journal. */
export type RunMode = 'backtest' | 'paper' | 'live';

/** A background-refreshed source's health, for the CLI and the dashboard. */
export interface SourceStatus {
  /** What answers queries now, e.g. "forexfactory + file" or "file (fallback)". */
  readonly using: string;
  /** Whether the live copy is fresh; false while on the fallback. */
  readonly fresh: boolean;
  /** When the live copy in use was fetched (UTC ms), null when none. */
  readonly fetchedAtMs: number | null;
  /** Last failure (code: message), null after a success. */
  readonly lastError: string | null;
}
