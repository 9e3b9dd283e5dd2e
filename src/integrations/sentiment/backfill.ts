// `sentiment backfill`: fills the journal from the vendor's history as the live plan would have polled it, within the budget.

import type { Logger } from '../../log/index.ts';
import { addDays, previousCloseMs, weekdayOf } from '../common/etTime.ts';
import { describeFailure, failureCode } from '../common/integrationError.ts';
import type { NewsClient, NewsQuery, PollRecord, ScoredArticle } from './article.ts';
import { pollSlots, type PollPlanSettings } from './pollPlan.ts';
import type { RequestBudget } from './requestBudget.ts';
import type { SentimentJournal } from './sentimentJournal.ts';

/** What a backfill did. */
export interface BackfillReport {
  readonly requests: number;
  /** Weekdays written, per instrument. */
  readonly daysWritten: Readonly<Record<string, number>>;
  /** Weekdays skipped because the journal already had them (live or earlier backfill). */
  readonly daysSkipped: Readonly<Record<string, number>>;
  /** First weekday not done when it stopped early (budget, error), else null. */
  readonly stoppedAt: string | null;
  readonly stopReason: string | null;
}

/** Inputs of a backfill. */
export interface BackfillRequest {
  readonly client: NewsClient;
  readonly journal: SentimentJournal;
  readonly queries: ReadonlyMap<string, NewsQuery>;
  readonly plan: PollPlanSettings;
  readonly sessionCloseEt: string;
  /** Null for vendors without a daily budget. */
  readonly budget: RequestBudget | null;
  readonly fromDate: string;
  readonly toDate: string;
  /** Calendar days per request before halving on truncation (default 7). */
  readonly chunkDays?: number;
  readonly logger: Logger;
}

function weekdays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from, n = 0; d <= to && n < 3700; d = addDays(d, 1), n++) if (weekdayOf(d) !== 0 && weekdayOf(d) !== 6) out.push(d);
  return out;
}

/**
 * For each instrument and each weekday in [fromDate, toDate] missing from the journal: fetches the
 * vendor's articles (one request per chunk of days, halved while the answer is truncated) and writes one
 * record per planned poll slot of that day holding the articles published between the previous close
 * and the slot, known at the slot, marked `backfilled`. Replay then treats the history like live polls
 * on the same plan (the vendor's later re-scoring and indexing delays are not reproduced). Stops when
 * the budget is used up or a request fails, reporting where.
 */
export async function backfillSentiment(r: BackfillRequest): Promise<BackfillReport> {
  const daysWritten: Record<string, number> = {};
  const daysSkipped: Record<string, number> = {};
  let requests = 0;
  const all = weekdays(r.fromDate, r.toDate);
  for (const [symbol, q] of r.queries) {
    daysWritten[symbol] = 0;
    daysSkipped[symbol] = 0;
    const todo = all.filter((d) => {
      const has = r.journal.hasDay(symbol, d);
      if (has) daysSkipped[symbol]!++;
      return !has;
    });
    let chunk = r.chunkDays ?? 7;
    for (let i = 0; i < todo.length;) {
      const days = todo.slice(i, i + chunk).filter((d) => d <= addDays(todo[i]!, chunk - 1));
      const slotsByDay = days.map((d) => pollSlots(d, r.plan));
      const first = slotsByDay.find((s) => s.length > 0)?.[0];
      const last = [...slotsByDay]
        .reverse()
        .find((s) => s.length > 0)
        ?.at(-1);
      if (first === undefined || last === undefined) {
        i += days.length;
        continue;
      }
      if (r.budget && !(await r.budget.take(1)))
        return { requests, daysWritten, daysSkipped, stoppedAt: days[0]!, stopReason: 'daily request budget exhausted' };
      let fetched;
      try {
        fetched = await r.client.fetchArticles(q, previousCloseMs(first, r.sessionCloseEt), last);
      } catch (e) {
        if (failureCode(e) === 'INTEGRATION_BUDGET_EXHAUSTED') await r.budget?.exhaust();
        r.logger.warn({ symbol, from: days[0], code: failureCode(e), err: describeFailure(e) }, 'sentiment backfill request failed');
        return { requests: requests + 1, daysWritten, daysSkipped, stoppedAt: days[0]!, stopReason: `${failureCode(e)}: ${describeFailure(e)}` };
      }
      requests += fetched.requests;
      if (fetched.truncated && days.length > 1) {
        chunk = Math.max(1, Math.floor(days.length / 2));
        continue;
      }
      if (fetched.truncated)
        r.logger.warn({ symbol, day: days[0] }, 'backfill: one day holds more articles than one request returns; the oldest are missing');
      for (let k = 0; k < days.length; k++) {
        for (const slot of slotsByDay[k]!) {
          const since = previousCloseMs(slot, r.sessionCloseEt);
          const articles: ScoredArticle[] = fetched.articles.filter((a) => a.publishedMs >= since && a.publishedMs <= slot);
          const rec: PollRecord = { v: 1, source: r.client.name, symbol, knownAtMs: slot, backfilled: true, articles };
          await r.journal.append(rec);
        }
        if (slotsByDay[k]!.length > 0) daysWritten[symbol]!++;
      }
      i += days.length;
    }
  }
  return { requests, daysWritten, daysSkipped, stoppedAt: null, stopReason: null };
}
