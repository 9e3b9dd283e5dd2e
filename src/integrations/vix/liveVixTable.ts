// A VixTable view over the newest good copy (Cboe download, its cache, or the file), refreshed once a day before the open.

import { daysOfDateKey, MINUTE_MS, sessionInfo } from '../../domain/index.ts';
import type { Logger } from '../../log/index.ts';
import { vixForTradingDate, type VixTable } from '../../strategy/index.ts';
import { AlertLatch } from '../common/alertLatch.ts';
import { readJsonFile, writeJsonAtomic } from '../common/atomicFile.ts';
import { etClockToUtc, etDateKey } from '../common/etTime.ts';
import type { IntegrationDeps, SourceStatus } from '../common/integrationDeps.ts';
import { describeFailure, failureCode } from '../common/integrationError.ts';
import { RefreshLoop } from '../common/refreshLoop.ts';
import type { CboeVixClient } from './cboeVixClient.ts';

/** Settings (config `filters.vix`). */
export interface LiveVixSettings {
  readonly refreshTimeEt: string;
  readonly maxAgeDays: number;
  readonly tickMs: number;
}

/** The VIX the engine would use on a trade date, and where it came from. */
export interface VixLookup {
  readonly tradingDate: string;
  readonly vix: number | null;
  /** Date of that close (the last one before the trade date). */
  readonly closeDate: string | null;
  readonly origin: string;
  /** Calendar days between the close and the trade date. */
  readonly ageDays: number | null;
  readonly stale: boolean;
}

interface Copy {
  readonly table: VixTable;
  readonly origin: string;
  readonly fetchedAtMs: number | null;
}

const RETRY_AFTER_FAILURE_MS = 30 * MINUTE_MS;
const EMPTY: VixTable = { dates: [], closes: [] };

/** Union by date of two tables, `primary` winning on a shared date. */
export function mergeVixTables(primary: VixTable, secondary: VixTable): VixTable {
  const byDate = new Map<string, number>();
  secondary.dates.forEach((d, i) => byDate.set(d, secondary.closes[i]!));
  primary.dates.forEach((d, i) => byDate.set(d, primary.closes[i]!));
  const dates = [...byDate.keys()].sort();
  return { dates, closes: dates.map((d) => byDate.get(d)!) };
}

/**
 * The daily VIX closes for the filter. `dates`/`closes` read the installed copy (both from one object,
 * replaced in one assignment), so the engine can hold this object for the whole run. With a client it
 * downloads the Cboe history at start when the cache is older than today's refresh time and daily at
 * `refreshTimeEt`, keeps the last good download on disk, and falls back to cache or file on failure.
 * Alerts VIX_STALE when a download fails or the newest close is older than maxAgeDays; never throws.
 */
export class LiveVixTable implements VixTable {
  private copy: Copy;
  private lastAttemptMs: number | null = null;
  private lastError: string | null = null;
  private readonly latch: AlertLatch;
  private readonly loop: RefreshLoop | null;
  private readonly log: Logger;

  constructor(
    private readonly client: CboeVixClient | null,
    private readonly file: VixTable | null,
    private readonly settings: LiveVixSettings,
    private readonly deps: IntegrationDeps,
    private readonly cacheFile: string | null,
  ) {
    this.log = deps.logger.child({ component: `vix.${client ? 'cboe' : 'file'}` });
    this.latch = new AlertLatch(deps.publishAlert, this.log);
    this.copy = { table: file ?? EMPTY, origin: file ? 'file' : 'none', fetchedAtMs: null };
    this.loop = client
      ? new RefreshLoop({
          name: 'vix.cboe',
          nowMs: deps.nowMs,
          tickMs: settings.tickMs,
          isDue: (now) => this.onTick(now),
          run: async () => {
            await this.refresh();
          },
          logger: this.log,
        })
      : null;
  }

  get dates(): readonly string[] {
    return this.copy.table.dates;
  }

  get closes(): readonly number[] {
    return this.copy.table.closes;
  }

  /** Reads the cached download and starts the daily refresh (no-op for the file table). */
  start(): void {
    if (!this.client || !this.loop) return;
    this.loadLastGoodCopy();
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
  }

  tick(): Promise<boolean> {
    return this.loop ? this.loop.tick() : Promise.resolve(false);
  }

  /** Downloads now and installs the result merged with the file; never throws. */
  async refresh(): Promise<{ ok: true; rows: number; last: string } | { ok: false; code: string; error: string }> {
    if (!this.client) return { ok: true, rows: this.dates.length, last: this.dates.at(-1) ?? '' };
    const now = this.deps.nowMs();
    this.lastAttemptMs = now;
    try {
      const table = await this.client.fetchTable();
      this.install({ table: this.file ? mergeVixTables(table, this.file) : table, origin: 'cboe', fetchedAtMs: now });
      this.lastError = null;
      if (this.latch.clear('vix.fetch')) this.log.info('Cboe VIX download works again');
      if (this.cacheFile)
        await writeJsonAtomic(this.cacheFile, { v: 1, fetchedAtMs: now, dates: table.dates, closes: table.closes }).catch((e: unknown) =>
          this.log.error({ file: this.cacheFile, err: describeFailure(e) }, 'could not write the VIX cache'),
        );
      this.log.info({ rows: table.dates.length, last: table.dates.at(-1) }, 'VIX history refreshed');
      return { ok: true, rows: table.dates.length, last: table.dates.at(-1)! };
    } catch (e) {
      const code = failureCode(e);
      this.lastError = `${code}: ${describeFailure(e)}`;
      this.log.warn({ code, err: describeFailure(e), using: this.copy.origin }, 'VIX download failed; the cached copy or the file stays in use');
      this.latch.raise('vix.fetch', {
        code: 'VIX_STALE',
        severity: 'warn',
        title: 'Cboe VIX download failed',
        text: `${this.lastError}. Using the ${this.copy.origin} copy (newest close ${this.dates.at(-1) ?? 'none'}).`,
        tsMs: now,
      });
      return { ok: false, code, error: describeFailure(e) };
    } finally {
      this.checkAge(this.deps.nowMs());
    }
  }

  /** The VIX the filter uses on `tradingDate` (the last close before it), with its origin and age. */
  lookup(tradingDate: string): VixLookup {
    const vix = vixForTradingDate(this, tradingDate);
    let closeDate: string | null = null;
    for (let i = this.dates.length - 1; i >= 0; i--) {
      if (this.dates[i]! < tradingDate) {
        closeDate = this.dates[i]!;
        break;
      }
    }
    const ageDays = closeDate ? daysOfDateKey(tradingDate) - daysOfDateKey(closeDate) : null;
    return { tradingDate, vix, closeDate, origin: this.copy.origin, ageDays, stale: ageDays === null || ageDays > this.settings.maxAgeDays };
  }

  status(): SourceStatus {
    const l = this.lookup(sessionInfo(this.deps.nowMs()).tradingDate);
    return { using: this.copy.origin, fresh: !l.stale && this.lastError === null, fetchedAtMs: this.copy.fetchedAtMs, lastError: this.lastError };
  }

  private install(copy: Copy): void {
    this.copy = copy;
  }

  /** Installs the last good copy from the cache folder, if any (start() does this; the CLI calls it before one refresh). */
  loadLastGoodCopy(): void {
    if (!this.cacheFile) return;
    try {
      const raw = readJsonFile(this.cacheFile) as { v?: number; fetchedAtMs?: number; dates?: string[]; closes?: number[] } | null;
      if (!raw) return;
      if (
        raw.v !== 1 ||
        typeof raw.fetchedAtMs !== 'number' ||
        !Array.isArray(raw.dates) ||
        !Array.isArray(raw.closes) ||
        raw.dates.length !== raw.closes.length
      ) {
        this.log.warn({ file: this.cacheFile }, 'VIX cache ignored: unexpected shape');
        return;
      }
      const table = { dates: raw.dates, closes: raw.closes };
      this.install({ table: this.file ? mergeVixTables(table, this.file) : table, origin: 'cboe cache', fetchedAtMs: raw.fetchedAtMs });
      // a copy fetched after today's refresh time makes the start-up download unnecessary
      this.lastAttemptMs = raw.fetchedAtMs;
      this.log.info({ file: this.cacheFile, last: table.dates.at(-1) }, 'VIX cache loaded');
    } catch (e) {
      this.log.warn({ file: this.cacheFile, err: describeFailure(e) }, 'VIX cache unreadable; ignored');
    }
  }

  private onTick(nowMs: number): boolean {
    this.checkAge(nowMs);
    if (this.lastAttemptMs === null) return true;
    if (this.lastError !== null && nowMs - this.lastAttemptMs >= RETRY_AFTER_FAILURE_MS) return true;
    const refreshAt = etClockToUtc(etDateKey(nowMs), this.settings.refreshTimeEt);
    return nowMs >= refreshAt && this.lastAttemptMs < refreshAt;
  }

  /** VIX_STALE when the close the next decision would use is older than maxAgeDays. */
  private checkAge(nowMs: number): void {
    const l = this.lookup(sessionInfo(nowMs).tradingDate);
    const key = `vix.age.${l.tradingDate}`;
    if (!l.stale) return;
    if (
      this.latch.raise(key, {
        code: 'VIX_STALE',
        severity: 'warn',
        title: 'VIX close is stale',
        text: `trade date ${l.tradingDate}: newest close ${l.closeDate ?? 'none'} (${l.ageDays ?? '?'} days old, max ${this.settings.maxAgeDays}) from the ${l.origin} copy`,
        tsMs: nowMs,
      })
    )
      this.log.warn({ tradingDate: l.tradingDate, closeDate: l.closeDate, origin: l.origin }, 'VIX close is stale');
  }
}
