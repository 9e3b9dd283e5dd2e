// CalendarSource over a background-refreshed vendor copy merged with the CSV; the daily times plus the CSV when stale.

import { sessionInfo, MINUTE_MS } from '../../domain/index.ts';
import type { Logger } from '../../log/index.ts';
import { InMemoryCalendar, type BlackoutConfig, type CalendarEvent, type CalendarSource } from '../../strategy/index.ts';
import { AlertLatch } from '../common/alertLatch.ts';
import { readJsonFile, writeJsonAtomic } from '../common/atomicFile.ts';
import { addDays, etClockToUtc, etDateKey, weekdayOf } from '../common/etTime.ts';
import type { IntegrationDeps, SourceStatus } from '../common/integrationDeps.ts';
import { describeFailure, failureCode } from '../common/integrationError.ts';
import { RefreshLoop } from '../common/refreshLoop.ts';
import { mergeCalendars } from './mergeCalendars.ts';
import { toCalendarEvents, type CalendarClient, type TierByImpact, type VendorSnapshot } from './vendorEvent.ts';

/** Settings of a LiveCalendar (from config `filters.calendar` and `filters.news`). */
export interface LiveCalendarSettings {
  readonly currencies: readonly string[];
  readonly tierByImpact: TierByImpact;
  /** Config `filters.news.high_impact_times_et`: applied (as events of the high tier) only while stale. */
  readonly dailyTimesEt: readonly string[];
  readonly refreshMs: number;
  readonly preOpenRefreshEt: string;
  readonly staleAfterMs: number;
  /** Wall-clock ms between the timer's schedule checks. */
  readonly tickMs: number;
}

/** Outcome of one refresh. */
export type CalendarRefreshReport =
  { readonly ok: true; readonly events: number; readonly conflicts: number } | { readonly ok: false; readonly code: string; readonly error: string };

interface Installed {
  readonly snap: VendorSnapshot;
  readonly merged: InMemoryCalendar;
}

/** After a failed refresh the next try comes this soon (or at refreshMs when shorter). */
const RETRY_AFTER_FAILURE_MS = 10 * MINUTE_MS;
const STALE_KEY = 'calendar.stale';

/**
 * The live economic calendar. Queries (`eventsBetween`) read the installed copy only: the vendor's
 * events of the configured currencies and tiers merged with the CSV while the copy is fresh and covers
 * the range; otherwise the CSV plus the configured daily times (as events of tier_by_impact.high).
 * Refreshes run in the background, replace the copy in one assignment, and are written to `cacheFile`
 * (the last good copy, read back at start). Failures are logged and never thrown; staleness is alerted
 * once (CALENDAR_STALE) per episode, not over the weekend when the weekly export rolls over.
 * With `client` null it is the plain file calendar.
 */
export class LiveCalendar implements CalendarSource {
  private installed: Installed | null = null;
  private lastAttemptMs: number | null = null;
  private lastError: string | null = null;
  private readonly latch: AlertLatch;
  private readonly loop: RefreshLoop | null;
  private readonly log: Logger;

  constructor(
    private readonly client: CalendarClient | null,
    private readonly file: CalendarSource,
    private readonly settings: LiveCalendarSettings,
    private readonly deps: IntegrationDeps,
    private readonly cacheFile: string | null,
  ) {
    this.log = deps.logger.child({ component: `calendar.${client?.name ?? 'file'}` });
    this.latch = new AlertLatch(deps.publishAlert, this.log);
    this.loop = client
      ? new RefreshLoop({
          name: `calendar.${client.name}`,
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

  /** Vendor name, or file. */
  get kind(): string {
    return this.client?.name ?? 'file';
  }

  /**
   * The blackout settings to evaluate with this calendar: unchanged for the file calendar; for a vendor
   * calendar the daily times are removed, because this source adds them itself while its copy is stale.
   */
  blackoutConfig(base: BlackoutConfig): BlackoutConfig {
    return this.client ? { ...base, highImpactTimesEt: [] } : base;
  }

  eventsBetween(fromMs: number, toMs: number): readonly CalendarEvent[] {
    if (!this.client) return this.file.eventsBetween(fromMs, toMs);
    const inst = this.installed;
    if (inst && this.isFresh(inst, this.deps.nowMs()) && fromMs >= inst.snap.coverFromMs && toMs < inst.snap.coverToMs)
      return inst.merged.eventsBetween(fromMs, toMs);
    return this.fallbackBetween(fromMs, toMs);
  }

  /** Whether the vendor copy answers queries at `tsMs` (false for the file calendar). */
  isLiveAt(tsMs: number): boolean {
    const inst = this.installed;
    return Boolean(this.client && inst && this.isFresh(inst, this.deps.nowMs()) && tsMs >= inst.snap.coverFromMs && tsMs < inst.snap.coverToMs);
  }

  status(): SourceStatus {
    if (!this.client) return { using: 'file + daily times', fresh: true, fetchedAtMs: null, lastError: null };
    const now = this.deps.nowMs();
    const inst = this.installed;
    const fresh = this.isLiveAt(now);
    return {
      using: fresh ? `${this.client.name} + file` : `file + daily times (${this.client.name} stale)`,
      fresh,
      fetchedAtMs: inst?.snap.fetchedAtMs ?? null,
      lastError: this.lastError,
    };
  }

  /** Reads the last good copy from disk and starts the background refresh (no-op for the file calendar). */
  start(): void {
    if (!this.client || !this.loop) return;
    this.loadLastGoodCopy();
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
  }

  /** One schedule check as the timer does it (tests drive it with a fake clock). */
  tick(): Promise<boolean> {
    return this.loop ? this.loop.tick() : Promise.resolve(false);
  }

  /** Fetches the vendor copy now and installs it; never throws. */
  async refresh(): Promise<CalendarRefreshReport> {
    if (!this.client) return { ok: true, events: 0, conflicts: 0 };
    const startedMs = this.deps.nowMs();
    this.lastAttemptMs = startedMs;
    try {
      const snap = await this.client.fetchSnapshot(startedMs);
      if (snap.skipped > 0) this.log.warn({ skipped: snap.skipped }, 'calendar entries skipped as malformed');
      if (snap.unknownImpacts.length > 0)
        this.log.warn({ impacts: [...new Set(snap.unknownImpacts)] }, 'unknown impact strings treated as high (fail closed)');
      if (snap.events.length === 0) this.log.warn('vendor calendar is empty for this week');
      const conflicts = this.install(snap);
      this.lastError = null;
      if (this.cacheFile) {
        await writeJsonAtomic(this.cacheFile, { v: 1, ...snap }).catch((e: unknown) =>
          this.log.error({ file: this.cacheFile, err: describeFailure(e) }, 'could not write the calendar cache'),
        );
      }
      this.log.info({ events: snap.events.length, conflicts }, 'calendar refreshed');
      return { ok: true, events: snap.events.length, conflicts };
    } catch (e) {
      const code = failureCode(e);
      this.lastError = `${code}: ${describeFailure(e)}`;
      this.log.warn({ code, err: describeFailure(e) }, 'calendar refresh failed; the last good copy stays in use until stale');
      return { ok: false, code, error: describeFailure(e) };
    } finally {
      this.checkHealth(this.deps.nowMs());
    }
  }

  private isFresh(inst: Installed, nowMs: number): boolean {
    return nowMs - inst.snap.fetchedAtMs <= this.settings.staleAfterMs;
  }

  /** Builds the merged calendar of a snapshot, swaps it in, alerts new conflicts; returns the conflict count. */
  private install(snap: VendorSnapshot): number {
    const vendor = toCalendarEvents(snap.events, snap.source, this.settings.currencies, this.settings.tierByImpact);
    const fileEvents = this.file.eventsBetween(snap.coverFromMs, snap.coverToMs - 1);
    const merged = mergeCalendars(vendor, fileEvents);
    this.installed = { snap, merged: new InMemoryCalendar(merged.events) };
    for (const c of merged.conflicts) {
      const text = `${c.key} on ${c.dateEt}: file ${c.fileTimeEt} ET, ${snap.source} ${c.vendorTimesEt.join(', ')} ET; both are blacked out`;
      this.log.warn({ key: c.key, date: c.dateEt, file: c.fileTimeEt, vendor: c.vendorTimesEt }, 'calendar sources disagree on a release time');
      this.latch.raise(`calendar.conflict.${c.key}.${c.dateEt}`, {
        code: 'CALENDAR_CONFLICT',
        severity: 'warn',
        title: `Calendar time disagreement for ${c.key}`,
        text,
        tsMs: this.deps.nowMs(),
      });
    }
    return merged.conflicts.length;
  }

  /** Installs the last good copy from the cache folder, if any (start() does this; the CLI calls it before one refresh). */
  loadLastGoodCopy(): void {
    if (!this.cacheFile || !this.client) return;
    try {
      const raw = readJsonFile(this.cacheFile) as (VendorSnapshot & { v?: number }) | null;
      if (!raw) return;
      if (raw.v !== 1 || raw.source !== this.client.name || !Array.isArray(raw.events) || typeof raw.fetchedAtMs !== 'number') {
        this.log.warn({ file: this.cacheFile }, 'calendar cache ignored: not a copy of this source');
        return;
      }
      this.install(raw);
      this.log.info({ file: this.cacheFile, fetchedAtMs: raw.fetchedAtMs, events: raw.events.length }, 'calendar cache loaded');
    } catch (e) {
      this.log.warn({ file: this.cacheFile, err: describeFailure(e) }, 'calendar cache unreadable; ignored');
    }
  }

  /** The timer's check: updates the stale alert, then says whether a refresh is due. */
  private onTick(nowMs: number): boolean {
    if (this.lastAttemptMs !== null) this.checkHealth(nowMs);
    return this.isDue(nowMs);
  }

  private isDue(nowMs: number): boolean {
    if (this.lastAttemptMs === null) return true;
    const interval = this.lastError ? Math.min(this.settings.refreshMs, RETRY_AFTER_FAILURE_MS) : this.settings.refreshMs;
    if (nowMs - this.lastAttemptMs >= interval) return true;
    const today = etDateKey(nowMs);
    const wd = weekdayOf(today);
    const preOpenMs = etClockToUtc(today, this.settings.preOpenRefreshEt);
    return wd >= 1 && wd <= 5 && nowMs >= preOpenMs && this.lastAttemptMs < preOpenMs;
  }

  private checkHealth(nowMs: number): void {
    if (!this.client) return;
    if (this.isLiveAt(nowMs)) {
      if (this.latch.clear(STALE_KEY)) this.log.info('calendar copy fresh again; vendor events in use');
      return;
    }
    // the weekly export rolls over on the weekend: no alert while Globex is closed for it (still logged on the next weekday)
    if (sessionInfo(nowMs).isWeekend) return;
    const inst = this.installed;
    const age = inst ? `copy fetched ${new Date(inst.snap.fetchedAtMs).toISOString()}` : 'no copy yet';
    const text = `${this.client.name}: ${age}; ${this.lastError ?? 'copy does not cover now'}. Using the daily times ${this.settings.dailyTimesEt.join(', ')} ET plus the file.`;
    if (
      this.latch.raise(STALE_KEY, { code: 'CALENDAR_STALE', severity: 'warn', title: 'Economic calendar stale: fallback in use', text, tsMs: nowMs })
    )
      this.log.warn({ lastError: this.lastError }, 'calendar stale: using the daily times plus the file');
  }

  /** The CSV events plus the daily times as events (tier of high impact) in [fromMs, toMs]. */
  private fallbackBetween(fromMs: number, toMs: number): readonly CalendarEvent[] {
    const out: CalendarEvent[] = [...this.file.eventsBetween(fromMs, toMs)];
    const lastDay = etDateKey(toMs);
    for (let day = etDateKey(fromMs), n = 0; day <= lastDay && n < 400; day = addDays(day, 1), n++) {
      for (const hhmm of this.settings.dailyTimesEt) {
        const tsMs = etClockToUtc(day, hhmm);
        if (tsMs >= fromMs && tsMs <= toMs) out.push({ tsMs, name: `daily ${hhmm} ET (calendar stale)`, tier: this.settings.tierByImpact.high });
      }
    }
    return out.sort((a, b) => a.tsMs - b.tsMs);
  }
}
