// The run record's account figures (issue 13, defects 1, 2 and 13): the stall (MLL breach, or too little room above
// the floor for one contract's stop), stalled days, the lowest room to the floor, days under warning room, and
// trading dates without a regular-session bar not counted as days.

import { describe, expect, it } from 'vitest';
import { cheapestStopRiskUsd, RunRecord, type AccountWatch } from '../../src/engine/runRecord.ts';
import { daysOfDateKey } from '../../src/domain/time.ts';
import { TradingState } from '../../src/domain/trading.ts';
import { testConfig } from '../support/backtestFixtures.ts';
import type { Instrument } from '../../src/domain/instrument.ts';

/** A 50K account with a $2,000 MLL whose floor trails the end-of-day balances it is told about. */
function watch(minStop = 25, warning = 500): AccountWatch & { equity: number; high: number } {
  const w = {
    equity: 50_000,
    high: 50_000,
    floorUsd: () => Math.min(50_000, w.high - 2_000),
    equityUsd: () => w.equity,
    floorAfterDayEnd: (b: number) => Math.min(50_000, Math.max(w.high, b) - 2_000),
    dailyLossLimitUsd: 1_000,
    minStopRiskUsd: minStop,
    warningRoomUsd: warning,
  };
  return w;
}

/** One trading day: a session bar at `equity` (lowest `worst`), then the day ends at the next day's first bar. */
function day(r: RunRecord, w: ReturnType<typeof watch>, date: string, equity: number, worst = equity, inSession = true): void {
  r.beginBar(daysOfDateKey(date), w.equity);
  r.markAdverseEquity(worst);
  w.equity = equity;
  r.endStep(0, inSession, equity);
}

describe('run record account figures', () => {
  it('a day ending within one stop of the floor stalls the account; later days are counted as stalled', () => {
    const w = watch();
    const r = new RunRecord(w);
    day(r, w, '2023-01-03', 49_600, 49_400); // room 1,400 at worst
    w.high = Math.max(w.high, 49_600);
    day(r, w, '2023-01-04', 48_020); // room 20 at the end: < $25, one contract's stop
    day(r, w, '2023-01-05', 48_020);
    day(r, w, '2023-01-06', 48_020);
    r.closeDay(w.equity);
    const a = r.toResult().account!;
    expect(a.stall).toMatchObject({ date: '2023-01-04', roomUsd: 20 });
    expect(a.stall!.reason).toContain('no longer trade');
    expect(a.stalledDays).toBe(2);
    expect(a.minRoomToFloorUsd).toBe(20);
    expect(a.daysUnderWarningRoom).toBe(3);
    expect(r.days).toHaveLength(4);
  });

  it('room just above one contract’s stop is not a stall', () => {
    const w = watch(25);
    const r = new RunRecord(w);
    day(r, w, '2023-01-03', 48_026);
    r.closeDay(w.equity);
    expect(r.toResult().account).toMatchObject({ stall: null, stalledDays: 0, minRoomToFloorUsd: 26, daysUnderWarningRoom: 1 });
  });

  it('an MLL breach is a stall on the breach day with the room at the breach', () => {
    const w = watch();
    const r = new RunRecord(w);
    r.beginBar(daysOfDateKey('2023-01-03'), 50_000);
    w.equity = 47_990;
    r.risk({
      kind: 'STATE_CHANGED',
      tsMs: 1,
      from: TradingState.ACTIVE,
      to: TradingState.HALTED,
      code: 'MLL_BREACH',
      detail: 'equity=47990.00 floor=48000.00',
    });
    r.endStep(0, true, 47_990);
    day(r, w, '2023-01-04', 47_990);
    r.closeDay(w.equity);
    const a = r.toResult().account!;
    expect(a.stall).toMatchObject({ date: '2023-01-03', roomUsd: -10 });
    expect(a.stall!.reason).toMatch(/^MLL_BREACH/);
    expect(a.stalledDays).toBe(1);
    expect(r.toResult().breach?.rule).toBe('MLL_BREACH');
  });

  it('a trading date with no regular-session bar (holiday overnight bars) is not a day', () => {
    const w = watch();
    const r = new RunRecord(w);
    day(r, w, '2023-07-03', 50_000);
    day(r, w, '2023-07-04', 50_000, 50_000, false);
    day(r, w, '2023-07-05', 50_100);
    r.closeDay(w.equity);
    expect(r.days.map((d) => d.tradingDate)).toEqual(['2023-07-03', '2023-07-05']);
  });

  it('the stall threshold is the cheapest stop of a regime that may trade, with its slippage ticks and the round-trip commission', () => {
    const c = testConfig().config;
    const inst: Instrument = { symbol: 'MNQ', tickSize: 0.25, tickValueUsd: 0.5, commissionPerSideUsd: 0.37, isMicro: true };
    expect(cheapestStopRiskUsd(c, inst)).toBeCloseTo((40 + c.backtest.slippage_ticks) * 0.5 + 0.74, 9); // NEUTRAL: 40 ticks
    const onlyTrend = { ...c, regime_size_multipliers: { ...c.regime_size_multipliers, NEUTRAL: 0, CRASH: 0 } };
    expect(cheapestStopRiskUsd(onlyTrend, inst)).toBeCloseTo((50 + c.backtest.slippage_ticks) * 0.5 + 0.74, 9); // BULL: 50 ticks
  });
});
