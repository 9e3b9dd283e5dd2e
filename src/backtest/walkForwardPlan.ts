// Walk-forward window planning over trading dates: rolling train/test windows or one train/test split.

import { UsageError } from '../domain/index.ts';

/** One walk-forward window: train on [trainFrom, trainTo], test on [testFrom, testTo] (trading dates). */
export interface WalkForwardWindow {
  readonly index: number;
  readonly trainFrom: string;
  readonly trainTo: string;
  readonly testFrom: string;
  readonly testTo: string;
  readonly trainDays: number;
  readonly testDays: number;
}

/**
 * Rolling windows over `dates` (ascending, distinct): each trains on `trainDays` dates and tests on
 * the next `testDays` unseen dates, then moves `stepDays` on. The last test window may be shorter.
 */
export function rollingWindows(dates: readonly string[], trainDays: number, testDays: number, stepDays: number): WalkForwardWindow[] {
  if (trainDays < 1 || testDays < 1 || stepDays < 1)
    throw new UsageError(`train, test and step days must be >= 1 (got ${trainDays}/${testDays}/${stepDays})`);
  const out: WalkForwardWindow[] = [];
  for (let start = 0; start + trainDays < dates.length; start += stepDays) {
    const testStart = start + trainDays;
    const testEnd = Math.min(dates.length, testStart + testDays);
    out.push({
      index: out.length,
      trainFrom: dates[start]!,
      trainTo: dates[testStart - 1]!,
      testFrom: dates[testStart]!,
      testTo: dates[testEnd - 1]!,
      trainDays,
      testDays: testEnd - testStart,
    });
    if (testEnd === dates.length) break;
  }
  if (out.length === 0) throw new UsageError(`the data has ${dates.length} trading days; a walk-forward needs more than --train-days ${trainDays}`);
  return out;
}

/** One split: the first `fraction` of the dates train, the rest test. */
export function splitWindow(dates: readonly string[], fraction: number): WalkForwardWindow[] {
  if (!(fraction > 0 && fraction < 1)) throw new UsageError(`--split must be between 0 and 1 (got ${fraction})`);
  const cut = Math.round(dates.length * fraction);
  if (cut < 1 || cut >= dates.length) throw new UsageError(`--split ${fraction} of ${dates.length} trading days leaves an empty train or test part`);
  return [
    {
      index: 0,
      trainFrom: dates[0]!,
      trainTo: dates[cut - 1]!,
      testFrom: dates[cut]!,
      testTo: dates[dates.length - 1]!,
      trainDays: cut,
      testDays: dates.length - cut,
    },
  ];
}
