// Builds the run's VIX table from config: the CSV (file, backtests) or the Cboe download with the CSV as fallback.

import { join } from 'node:path';
import type { Config } from '../../config/index.ts';
import type { IntegrationDeps, RunMode } from '../common/integrationDeps.ts';
import { readVixCsv, resolveVixFile } from '../vix.ts';
import { CboeVixClient } from './cboeVixClient.ts';
import { LiveVixTable } from './liveVixTable.ts';

/** Options of createVixSource. */
export interface VixSourceOptions {
  readonly mode: RunMode;
  readonly baseDir: string;
  /** Overrides config `filters.vix.source` (CLI --source). */
  readonly source?: Config['filters']['vix']['source'];
  /** Overrides config `filters.vix.cboe_url` (CLI --url, tests). */
  readonly url?: string;
  readonly tickMs?: number;
}

/**
 * The VIX table of the run, or null when `filters.vix.enabled` is false (no scaling). Backtests and
 * source file: the CSV of `filters.vix.file` (or the shared file). Paper/live with source cboe: a
 * LiveVixTable (download cached under cache_dir, the CSV merged in as fallback); the caller passes it
 * as `vixTable`, calls `start()` once and `stop()` at the end. A malformed CSV throws DataError at start-up.
 *
 * @example
 * const vix = createVixSource(loaded.config, deps, { mode: 'live', baseDir: loaded.baseDir });
 * vix?.start();
 */
export function createVixSource(config: Pick<Config, 'filters'>, deps: IntegrationDeps, opts: VixSourceOptions): LiveVixTable | null {
  const v = config.filters.vix;
  if (!v.enabled) return null;
  const file = resolveVixFile(v.file, opts.baseDir);
  const fileTable = file ? readVixCsv(file) : null;
  const source = opts.mode === 'backtest' ? 'file' : (opts.source ?? v.source);
  const client = source === 'cboe' ? new CboeVixClient(opts.url ?? v.cboe_url, v.timeout_ms) : null;
  return new LiveVixTable(
    client,
    fileTable,
    { refreshTimeEt: v.refresh_time_et, maxAgeDays: v.max_age_days, tickMs: opts.tickMs ?? 60_000 },
    deps,
    client ? join(deps.cacheDir, 'vix-cboe.json') : null,
  );
}
