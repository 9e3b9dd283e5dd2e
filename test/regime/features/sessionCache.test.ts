// The session cache must answer exactly as sessionInfo for every minute, across DST switches and weekends.

import { describe, expect, it } from 'vitest';
import { sessionInfo } from '../../../src/domain/session.ts';
import { localToUtc, naiveLocalMs } from '../../../src/domain/time.ts';
import { SessionCache } from '../../../src/regime/features/sessionCache.ts';

describe('SessionCache', () => {
  it.each([
    ['spring DST week', 2024, 3, 7],
    ['fall DST week', 2024, 10, 31],
    ['a plain week', 2023, 6, 14],
  ])('matches sessionInfo minute by minute over 9 days around %s', (_name, y, m, d) => {
    const cache = new SessionCache();
    const start = localToUtc('America/New_York', naiveLocalMs(y, m, d))!;
    for (let ts = start; ts < start + 9 * 86_400_000; ts += 60_000) {
      cache.lookup(ts);
      const info = sessionInfo(ts);
      expect([cache.tradingDay, cache.isRth]).toEqual([info.tradingDay, info.isRth]);
    }
  });

  it('answers correctly when time jumps backwards (a new stream)', () => {
    const cache = new SessionCache();
    const a = localToUtc('America/New_York', naiveLocalMs(2024, 3, 12, 10, 0))!;
    const b = localToUtc('America/New_York', naiveLocalMs(2024, 3, 11, 20, 0))!;
    cache.lookup(a);
    cache.lookup(b);
    expect([cache.tradingDay, cache.isRth]).toEqual([sessionInfo(b).tradingDay, false]);
  });
});
