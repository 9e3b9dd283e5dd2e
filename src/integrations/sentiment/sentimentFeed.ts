// The live news poller: polls each instrument on the budgeted plan, journals every answer, serves per-instrument sources.

import type { Logger } from '../../log/index.ts';
import { AlertLatch } from '../common/alertLatch.ts';
import { etDateKey, previousCloseMs } from '../common/etTime.ts';
import type { IntegrationDeps, SourceStatus } from '../common/integrationDeps.ts';
import { describeFailure, failureCode } from '../common/integrationError.ts';
import { RefreshLoop } from '../common/refreshLoop.ts';
import type { AggregationParams } from './aggregateSentiment.ts';
import type { NewsClient, NewsQuery, NewsVendor } from './article.ts';
import { JournalSentimentSource } from './journalSentimentSource.ts';
import { currentSlot, type PollPlanSettings } from './pollPlan.ts';
import type { RequestBudget } from './requestBudget.ts';
import type { SentimentJournal } from './sentimentJournal.ts';

/** Settings of a feed. */
export interface SentimentFeedSettings {
  readonly aggregation: AggregationParams;
  readonly plan: PollPlanSettings;
  /** Requests of the daily budget the plan leaves to the CLI. */
  readonly reserveRequests: number;
  /** Wall-clock ms between the timer's schedule checks. */
  readonly tickMs: number;
}

/** Outcome of one instrument's poll. */
export type PollOutcome =
  | { readonly symbol: string; readonly ok: true; readonly articles: number; readonly knownAtMs: number; readonly truncated: boolean }
  | { readonly symbol: string; readonly ok: false; readonly code: string; readonly error: string };

/**
 * Polls `client` for each instrument of `queries` at the slots of the plan (weekdays, inside the window,
 * as many as the daily budget allows), in the background. Every successful answer is journaled with the
 * time it arrived; failures are logged and alerted once per outage (SENTIMENT_DEGRADED) and never
 * thrown: the value keeps the journaled polls until they are stale, then is neutral. With `client` null
 * it is the recorded source (replay only).
 */
export class SentimentFeed {
  private readonly sources = new Map<string, JournalSentimentSource>();
  private readonly latch: AlertLatch;
  private readonly loop: RefreshLoop | null;
  private readonly log: Logger;
  private lastSlotServed: number | null = null;
  private lastError: string | null = null;
  private lastSuccessMs: number | null = null;

  constructor(
    readonly vendor: NewsVendor,
    private readonly client: NewsClient | null,
    readonly journal: SentimentJournal,
    private readonly queries: ReadonlyMap<string, NewsQuery>,
    private readonly settings: SentimentFeedSettings,
    private readonly budget: RequestBudget | null,
    private readonly deps: IntegrationDeps,
  ) {
    this.log = deps.logger.child({ component: `sentiment.${client ? vendor : `recorded.${vendor}`}` });
    this.latch = new AlertLatch(deps.publishAlert, this.log);
    this.loop = client
      ? new RefreshLoop({
          name: `sentiment.${vendor}`,
          nowMs: deps.nowMs,
          tickMs: settings.tickMs,
          isDue: (now) => this.isDue(now),
          run: () => this.runSlot(),
          logger: this.log,
        })
      : null;
  }

  /** Whether this feed polls a vendor (false: recorded replay). */
  get live(): boolean {
    return this.client !== null;
  }

  /** The SentimentSource of an instrument root (neutral when it has no query: nothing is ever journaled). */
  sourceFor(symbol: string): JournalSentimentSource {
    let s = this.sources.get(symbol);
    if (!s) {
      if (!this.queries.has(symbol)) this.log.warn({ symbol }, 'no filters.sentiment.instruments entry: this instrument stays neutral');
      s = new JournalSentimentSource(this.journal, symbol, this.settings.aggregation);
      this.sources.set(symbol, s);
    }
    return s;
  }

  /** Loads the journal since the previous close and starts polling (no polling for the recorded source). */
  start(): void {
    const now = this.deps.nowMs();
    const since = previousCloseMs(now, this.settings.aggregation.sessionCloseEt);
    this.journal.preload(since, now);
    if (!this.loop) return;
    // a restart inside a slot that was already polled does not poll it again
    const slot = currentSlot(now, this.settings.plan);
    if (slot !== null && [...this.queries.keys()].every((sym) => this.journal.recordsBetween(sym, slot, now).length > 0)) this.lastSlotServed = slot;
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    await this.journal.flush();
  }

  /** One schedule check as the timer does it (tests drive it with a fake clock). */
  tick(): Promise<boolean> {
    return this.loop ? this.loop.tick() : Promise.resolve(false);
  }

  /** Polls every instrument (or `symbols`) now, outside the plan; the CLI's reserve may be used. Never throws. */
  async pollNow(symbols?: readonly string[]): Promise<PollOutcome[]> {
    const out: PollOutcome[] = [];
    for (const sym of symbols ?? [...this.queries.keys()]) out.push(await this.pollSymbol(sym, 0));
    return out;
  }

  status(): SourceStatus {
    const now = this.deps.nowMs();
    const fresh = this.lastSuccessMs !== null && now - this.lastSuccessMs <= this.settings.aggregation.staleAfterMs;
    const left = this.budget ? `, budget ${this.budget.remaining()}/${this.budget.limitPerDay} left today` : '';
    return {
      using: this.client ? `${this.vendor} (live polls, journaled${left})` : `recorded ${this.vendor} journal ${this.journal.dir}`,
      fresh: this.client ? fresh : true,
      fetchedAtMs: this.lastSuccessMs,
      lastError: this.lastError,
    };
  }

  private isDue(nowMs: number): boolean {
    const slot = currentSlot(nowMs, this.settings.plan);
    return slot !== null && slot !== this.lastSlotServed;
  }

  private async runSlot(): Promise<void> {
    const slot = currentSlot(this.deps.nowMs(), this.settings.plan);
    if (slot === null) return;
    this.lastSlotServed = slot;
    for (const sym of this.queries.keys()) await this.pollSymbol(sym, this.settings.reserveRequests);
  }

  private async pollSymbol(symbol: string, keep: number): Promise<PollOutcome> {
    const q = this.queries.get(symbol);
    if (!this.client || !q)
      return { symbol, ok: false, code: 'NO_QUERY', error: `${symbol}: no live client or no filters.sentiment.instruments entry` };
    const now = this.deps.nowMs();
    if (this.budget && !(await this.budget.take(1, keep))) return this.budgetExhausted(symbol, now, 'our count');
    try {
      const fetched = await this.client.fetchArticles(q, previousCloseMs(now, this.settings.aggregation.sessionCloseEt), null);
      const knownAtMs = this.deps.nowMs();
      await this.journal.append({ v: 1, source: this.vendor, symbol, knownAtMs, articles: fetched.articles });
      this.lastError = null;
      this.lastSuccessMs = knownAtMs;
      if (this.latch.clear(`sentiment.${symbol}`)) this.log.info({ symbol }, 'sentiment polls succeed again');
      if (fetched.truncated)
        this.log.warn({ symbol, articles: fetched.articles.length }, 'more articles than one poll returns; the oldest are missing');
      this.log.info({ symbol, articles: fetched.articles.length, skipped: fetched.skipped, requests: fetched.requests }, 'sentiment poll journaled');
      return { symbol, ok: true, articles: fetched.articles.length, knownAtMs, truncated: fetched.truncated };
    } catch (e) {
      const code = failureCode(e);
      const error = describeFailure(e);
      this.lastError = `${code}: ${error}`;
      if (code === 'INTEGRATION_BUDGET_EXHAUSTED') {
        await this.budget?.exhaust();
        return this.budgetExhausted(symbol, now, `the vendor: ${error}`);
      }
      this.log.warn({ symbol, code, err: error }, 'sentiment poll failed; journaled polls stay in use until stale, then neutral');
      this.latch.raise(`sentiment.${symbol}`, {
        code: 'SENTIMENT_DEGRADED',
        severity: 'warn',
        title: `News sentiment poll failing for ${symbol}`,
        text: `${this.vendor}: ${code}: ${error}. Size uses the journaled polls until ${Math.round(this.settings.aggregation.staleAfterMs / 60_000)} minutes old, then neutral (multiplier 1).`,
        tsMs: now,
      });
      return { symbol, ok: false, code, error };
    }
  }

  private budgetExhausted(symbol: string, nowMs: number, bywho: string): PollOutcome {
    const used = this.budget ? `${this.budget.limitPerDay - this.budget.remaining()}/${this.budget.limitPerDay}` : '?';
    const error = `daily request budget exhausted (${used} used, per ${bywho})`;
    this.lastError = `INTEGRATION_BUDGET_EXHAUSTED: ${error}`;
    this.log.warn({ symbol, code: 'INTEGRATION_BUDGET_EXHAUSTED', by: bywho }, 'sentiment poll skipped: daily request budget exhausted');
    this.latch.raise(`sentiment.budget.${etDateKey(nowMs)}`, {
      code: 'SENTIMENT_DEGRADED',
      severity: 'warn',
      title: `News sentiment budget exhausted (${this.vendor})`,
      text: `${error}. No more polls today; sentiment goes neutral once the last poll is stale.`,
      tsMs: nowMs,
    });
    return { symbol, ok: false, code: 'INTEGRATION_BUDGET_EXHAUSTED', error };
  }
}
