// The daily request budget of a vendor key, persisted so restarts and the CLI share one count per ET day.

import { existsSync, readFileSync } from 'node:fs';
import type { Logger } from '../../log/index.ts';
import { writeJsonAtomic } from '../common/atomicFile.ts';
import { etDateKey } from '../common/etTime.ts';
import { describeFailure } from '../common/integrationError.ts';

/** The persisted count. */
export interface BudgetState {
  readonly dateEt: string;
  readonly used: number;
  /** Set when the vendor itself said the limit is reached. */
  readonly exhaustedByVendor: boolean;
}

/**
 * Requests per ET day (the vendor's reset time is not documented; an ET-day count is conservative for a
 * UTC reset). Every request is taken before it is sent, failed ones included; `exhaust` records the vendor
 * answering "limit reached" (Alpha Vantage: HTTP 200 with Information/Note). The file is re-read before
 * each take, so a CLI run and the engine share the count (last writer wins on a race).
 */
export class RequestBudget {
  constructor(
    private readonly file: string,
    readonly limitPerDay: number,
    private readonly nowMs: () => number,
    private readonly log: Logger,
  ) {}

  /** The count of today (ET). */
  state(): BudgetState {
    const today = etDateKey(this.nowMs());
    try {
      if (existsSync(this.file)) {
        const s = JSON.parse(readFileSync(this.file, 'utf8')) as BudgetState;
        if (s.dateEt === today && typeof s.used === 'number') return { dateEt: today, used: s.used, exhaustedByVendor: Boolean(s.exhaustedByVendor) };
      }
    } catch (e) {
      this.log.warn({ file: this.file, err: describeFailure(e) }, 'request budget file unreadable; counting from zero');
    }
    return { dateEt: today, used: 0, exhaustedByVendor: false };
  }

  /** Requests left today. */
  remaining(): number {
    const s = this.state();
    return s.exhaustedByVendor ? 0 : Math.max(0, this.limitPerDay - s.used);
  }

  /** Takes `n` requests if they are left (keeping `keep` unused); returns whether they were taken. */
  async take(n = 1, keep = 0): Promise<boolean> {
    const s = this.state();
    if (s.exhaustedByVendor || s.used + n > this.limitPerDay - keep) return false;
    await this.write({ ...s, used: s.used + n });
    return true;
  }

  /** Marks today's budget as used up (the vendor said so). */
  async exhaust(): Promise<void> {
    const s = this.state();
    await this.write({ ...s, used: Math.max(s.used, this.limitPerDay), exhaustedByVendor: true });
  }

  private async write(s: BudgetState): Promise<void> {
    try {
      await writeJsonAtomic(this.file, s);
    } catch (e) {
      this.log.error({ file: this.file, err: describeFailure(e) }, 'could not write the request budget');
    }
  }
}
