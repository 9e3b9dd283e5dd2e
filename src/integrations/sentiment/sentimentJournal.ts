// The sentiment journal: every successful poll's scored articles with the time they became known, one JSONL file per ET day.

import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../log/index.ts';
import { addDays, etDateKey } from '../common/etTime.ts';
import { describeFailure } from '../common/integrationError.ts';
import type { NewsVendor, PollRecord } from './article.ts';

/** Days kept in memory (a backtest walks forward; a live session needs today and the last close's day). */
const MAX_CACHED_DAYS = 16;

function isPollRecord(x: unknown): x is PollRecord {
  const r = x as PollRecord;
  return Boolean(r) && r.v === 1 && typeof r.symbol === 'string' && typeof r.knownAtMs === 'number' && Array.isArray(r.articles);
}

/**
 * Poll records of one vendor under `<cacheDir>/sentiment/<vendor>/<YYYY-MM-DD>.jsonl` (ET date of
 * knownAtMs). Live appends; the recorded source and backtests read. Memory and file hold the same
 * records in the same order, so replaying the file gives what the live session saw. A torn or foreign
 * line is skipped with a warning.
 */
export class SentimentJournal {
  readonly dir: string;
  private readonly days = new Map<string, PollRecord[]>();
  private writes: Promise<void> = Promise.resolve();

  constructor(
    cacheDir: string,
    readonly vendor: NewsVendor,
    private readonly log: Logger,
  ) {
    this.dir = join(cacheDir, 'sentiment', vendor);
  }

  /** Path of the file of an ET date. */
  fileOf(dateEt: string): string {
    return join(this.dir, `${dateEt}.jsonl`);
  }

  /** Records of `symbol` with fromMs <= knownAtMs <= toMs, ascending by knownAtMs. */
  recordsBetween(symbol: string, fromMs: number, toMs: number): PollRecord[] {
    const out: PollRecord[] = [];
    const last = etDateKey(toMs);
    for (let day = etDateKey(fromMs), n = 0; day <= last && n < 400; day = addDays(day, 1), n++) {
      for (const r of this.day(day)) if (r.symbol === symbol && r.knownAtMs >= fromMs && r.knownAtMs <= toMs) out.push(r);
    }
    return out.sort((a, b) => a.knownAtMs - b.knownAtMs);
  }

  /** Whether any record of `symbol` is stored for the ET date. */
  hasDay(symbol: string, dateEt: string): boolean {
    return this.day(dateEt).some((r) => r.symbol === symbol);
  }

  /** Adds a record to memory at once and to its file in order; the promise settles when it is written (never rejects). */
  append(record: PollRecord): Promise<void> {
    const dateEt = etDateKey(record.knownAtMs);
    const list = this.day(dateEt);
    list.push(record);
    list.sort((a, b) => a.knownAtMs - b.knownAtMs);
    const line = `${JSON.stringify(record)}\n`;
    this.writes = this.writes.then(async () => {
      try {
        await mkdir(this.dir, { recursive: true });
        await appendFile(this.fileOf(dateEt), line, 'utf8');
      } catch (e) {
        this.log.error({ file: this.fileOf(dateEt), err: describeFailure(e) }, 'could not write the sentiment journal; replay will miss this poll');
      }
    });
    return this.writes;
  }

  /** Waits for pending writes. */
  flush(): Promise<void> {
    return this.writes;
  }

  /** Loads the days of [fromMs, toMs] now (off the bar path). */
  preload(fromMs: number, toMs: number): void {
    const last = etDateKey(toMs);
    for (let day = etDateKey(fromMs), n = 0; day <= last && n < 400; day = addDays(day, 1), n++) this.day(day);
  }

  private day(dateEt: string): PollRecord[] {
    let list = this.days.get(dateEt);
    if (list) return list;
    list = this.readDay(dateEt);
    if (this.days.size >= MAX_CACHED_DAYS) {
      const oldest = [...this.days.keys()].sort()[0]!;
      this.days.delete(oldest);
    }
    this.days.set(dateEt, list);
    return list;
  }

  private readDay(dateEt: string): PollRecord[] {
    const file = this.fileOf(dateEt);
    if (!existsSync(file)) return [];
    const out: PollRecord[] = [];
    let lineNo = 0;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      lineNo++;
      if (line.trim() === '') continue;
      try {
        const r = JSON.parse(line) as unknown;
        if (isPollRecord(r) && r.source === this.vendor) out.push(r);
        else this.log.warn({ file, line: lineNo }, 'sentiment journal line skipped: not a poll record of this vendor');
      } catch (e) {
        this.log.warn({ file, line: lineNo, err: describeFailure(e) }, 'sentiment journal line skipped: not JSON');
      }
    }
    return out.sort((a, b) => a.knownAtMs - b.knownAtMs);
  }
}
