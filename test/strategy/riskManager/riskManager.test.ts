// Tests of the RiskManager: MLL trailing/locking over days, intraday breaches, daily limits, caps, cooldown, flat time, reservations.
import { describe, expect, it } from 'vitest';
import { TradingState } from '../../../src/domain/trading.ts';
import { MINUTE_MS } from '../../../src/domain/time.ts';
import { RiskManager, type EntryRequest, type Reservation, type RiskDenied, type RiskSettings } from '../../../src/strategy/riskManager/index.ts';
import { ct, DEFAULTS, et, INSTRUMENTS } from './support.ts';

const T = et(2024, 1, 3, 10, 30); // Wed 3 Jan 2024 10:30 ET
function rm(over: Partial<RiskSettings> = {}): RiskManager {
  return new RiskManager({ ...DEFAULTS, ...over }, INSTRUMENTS);
}
function entry(over: Partial<EntryRequest> = {}): EntryRequest {
  return {
    tsMs: T,
    symbol: 'MNQ',
    side: 'long',
    stopTicks: 40,
    baseSize: 2,
    regime: 'BULL',
    regimeConfidence: 0.9,
    vixMultiplier: 1,
    newsMultiplier: 1,
    ...over,
  };
}
function isDenied(x: Reservation | RiskDenied): x is RiskDenied {
  return !('id' in x);
}
function codeOf(x: Reservation | RiskDenied | { approved: true }): string {
  return 'code' in x ? x.code : 'OK';
}
/** Opens and closes `qty` MNQ for a net P&L of `points` per contract (before commissions). */
function roundTrip(r: RiskManager, tsMs: number, points: number, qty = 1): void {
  r.onFill({ tsMs, symbol: 'MNQ', side: 'buy', qty, price: 20000, commissionUsd: 0.37 * qty });
  r.onFill({ tsMs: tsMs + MINUTE_MS, symbol: 'MNQ', side: 'sell', qty, price: 20000 + points, commissionUsd: 0.37 * qty });
}

describe('RiskManager: Maximum Loss Limit', () => {
  it('trails the highest end-of-day balance and locks at the starting balance over several days', () => {
    const r = rm();
    expect(r.mllFloorUsd).toBe(48_000);
    r.onTradingDayEnd(et(2024, 1, 2, 17, 0), 50_500);
    expect(r.mllFloorUsd).toBe(48_500);
    r.onTradingDayEnd(et(2024, 1, 3, 17, 0), 50_200); // a lower EOD does not lower the floor
    expect(r.mllFloorUsd).toBe(48_500);
    r.onTradingDayEnd(et(2024, 1, 4, 17, 0), 52_500);
    expect(r.mllFloorUsd).toBe(50_000);
    r.onTradingDayEnd(et(2024, 1, 5, 17, 0), 51_000); // locked
    expect(r.mllFloorUsd).toBe(50_000);
    r.onTradingDayEnd(et(2024, 1, 8, 17, 0), 60_000);
    expect(r.mllFloorUsd).toBe(50_000);
  });

  it('uses the internal equity as EOD balance when the trading date rolls without onTradingDayEnd', () => {
    const r = rm();
    roundTrip(r, T, 250, 1); // +500 − 0.74
    r.onTime(et(2024, 1, 3, 18, 0)); // next trade date
    expect(r.snapshot().highestEodBalanceUsd).toBeCloseTo(50_499.26, 6);
    expect(r.mllFloorUsd).toBeCloseTo(48_499.26, 6);
    expect(r.snapshot().dayPnlUsd).toBeCloseTo(0, 9);
  });

  it('breaches intraday on unrealized loss: HALTED, flatten, and stays halted the next day', () => {
    const r = rm({ dailyLossLimitUsd: null });
    r.onFill({ tsMs: T, symbol: 'MNQ', side: 'buy', qty: 10, price: 20000, commissionUsd: 3.7 });
    expect(r.markToMarket('MNQ', 19_901, T + MINUTE_MS)).toEqual([]); // equity 50000 − 3.7 − 1980 = 48016.3
    const ev = r.markToMarket('MNQ', 19_900, T + 2 * MINUTE_MS); // 47996.3 <= 48000
    expect(ev.map((e) => [e.kind, e.code])).toEqual([
      ['STATE_CHANGED', 'MLL_BREACH'],
      ['FLATTEN', 'MLL_BREACH'],
    ]);
    expect(ev[0]).toMatchObject({ from: TradingState.ACTIVE, to: TradingState.HALTED, detail: 'equity=47996.30 floor=48000.00' });
    expect(ev[1]).toMatchObject({ symbols: ['MNQ'] });
    expect(r.snapshot().mustFlatten).toBe(true);
    r.onFill({ tsMs: T + 3 * MINUTE_MS, symbol: 'MNQ', side: 'sell', qty: 10, price: 19_900, commissionUsd: 3.7 });
    r.onTradingDayEnd(et(2024, 1, 3, 17, 0));
    r.onTime(et(2024, 1, 4, 10, 0));
    expect(r.state).toBe(TradingState.HALTED);
    expect(codeOf(r.reserveEntry(entry({ tsMs: et(2024, 1, 4, 10, 0) })))).toBe('HALTED');
  });
});

describe('RiskManager: daily limits', () => {
  it('halts on the daily loss limit (realized + unrealized) and resumes the next trading day', () => {
    const r = rm();
    r.onFill({ tsMs: T, symbol: 'MNQ', side: 'buy', qty: 10, price: 20000, commissionUsd: 3.7 });
    const ev = r.markToMarket('MNQ', 19_950, T + MINUTE_MS); // −1000 − 3.7
    expect(ev.map((e) => e.code)).toEqual(['DAILY_LOSS_LIMIT', 'DAILY_LOSS_LIMIT']);
    expect(ev[0]).toMatchObject({ to: TradingState.HALTED, detail: 'pnl=-1003.70 limit=-1000' });
    expect(codeOf(r.reserveEntry(entry({ tsMs: T + 2 * MINUTE_MS })))).toBe('HALTED');
    r.onFill({ tsMs: T + 2 * MINUTE_MS, symbol: 'MNQ', side: 'sell', qty: 10, price: 19_950, commissionUsd: 3.7 });
    const next = r.onTime(et(2024, 1, 3, 18, 0));
    expect(next.map((e) => [e.code, e.kind === 'STATE_CHANGED' ? e.to : null])).toEqual([['NEW_TRADING_DAY', TradingState.ACTIVE]]);
    expect(isDenied(r.reserveEntry(entry({ tsMs: et(2024, 1, 4, 10, 0) })))).toBe(false);
  });

  it('a session taking over mid-day resumes the daily loss limit and the trade count from what was closed today', () => {
    // Another machine lost 900 over 7 trades today; the broker balance already includes it.
    const r = new RiskManager(DEFAULTS, INSTRUMENTS, { balanceUsd: 49_100, highestEodBalanceUsd: 50_000, realizedTodayUsd: -900, tradesToday: 7 });
    const s = r.snapshot();
    expect(s.balanceUsd).toBe(49_100);
    expect(s.dayPnlUsd).toBe(-900);
    expect(s.realizedTodayUsd).toBe(-900);
    expect(s.tradesToday).toBe(7);
    r.onFill({ tsMs: T, symbol: 'MNQ', side: 'buy', qty: 1, price: 20000, commissionUsd: 0.37 });
    // −100.5 more breaches the 1000 daily limit (a fresh manager would still have 899 of room).
    const ev = r.markToMarket('MNQ', 19_950, T + MINUTE_MS);
    expect(ev.map((e) => e.code)).toContain('DAILY_LOSS_LIMIT');
    const fresh = new RiskManager(DEFAULTS, INSTRUMENTS, { balanceUsd: 49_100, highestEodBalanceUsd: 50_000 });
    fresh.onFill({ tsMs: T, symbol: 'MNQ', side: 'buy', qty: 1, price: 20000, commissionUsd: 0.37 });
    expect(fresh.markToMarket('MNQ', 19_950, T + MINUTE_MS).map((e) => e.code)).not.toContain('DAILY_LOSS_LIMIT');
  });

  it('stops for the day at the profit target: REDUCING, exits allowed, entries denied', () => {
    const r = rm({ dailyProfitTargetUsd: 500 });
    r.onFill({ tsMs: T, symbol: 'MNQ', side: 'buy', qty: 2, price: 20000, commissionUsd: 0.74 });
    const ev = r.onFill({ tsMs: T + MINUTE_MS, symbol: 'MNQ', side: 'sell', qty: 1, price: 20300, commissionUsd: 0.37 }); // +600 − 1.11
    expect(ev.map((e) => [e.code, e.kind === 'STATE_CHANGED' ? e.to : null])).toEqual([['DAILY_PROFIT_TARGET', TradingState.REDUCING]]);
    expect(codeOf(r.reserveEntry(entry({ tsMs: T + 2 * MINUTE_MS })))).toBe('REDUCING');
  });
});

describe('RiskManager: contracts, trades, cooldown', () => {
  it('caps size at the contract limit, counting held minis 10:1', () => {
    const r = rm();
    const big = r.reserveEntry(entry({ baseSize: 100, stopTicks: 4 }));
    expect(big).toMatchObject({ qty: 50, formulaSize: 100, cappedBy: 'MAX_CONTRACTS' });
    r.release((big as Reservation).id);
    r.onFill({ tsMs: T, symbol: 'ES', side: 'buy', qty: 4, price: 4700, commissionUsd: 5.6 });
    expect(r.reserveEntry(entry({ baseSize: 100, stopTicks: 4 }))).toMatchObject({ qty: 10, cappedBy: 'MAX_CONTRACTS' });
    expect(codeOf(r.reserveEntry(entry({ symbol: 'MES', baseSize: 1, stopTicks: 4 })))).toBe('MAX_CONTRACTS');
    expect(r.snapshot().usedContractUnits).toBe(50);
  });

  it('denies the entry after max_trades_per_day, counting pending reservations', () => {
    const r = rm({ maxTradesPerDay: 2 });
    const a = r.reserveEntry(entry()) as Reservation;
    r.commit(a.id);
    const b = r.reserveEntry(entry()) as Reservation;
    expect(codeOf(r.reserveEntry(entry()))).toBe('MAX_TRADES_PER_DAY');
    r.release(b.id);
    expect(isDenied(r.reserveEntry(entry()))).toBe(false);
    expect(r.snapshot().tradesToday).toBe(1);
  });

  it('cools down after N consecutive losing round trips, for exactly cooldown_minutes', () => {
    const r = rm();
    roundTrip(r, T, -10);
    roundTrip(r, T + 5 * MINUTE_MS, 5); // a win resets the count
    roundTrip(r, T + 10 * MINUTE_MS, -10);
    roundTrip(r, T + 15 * MINUTE_MS, -10);
    expect(isDenied(r.reserveEntry(entry({ tsMs: T + 17 * MINUTE_MS })))).toBe(false);
    r.release('r1');
    roundTrip(r, T + 20 * MINUTE_MS, -10); // third loss closes at T+21
    const until = T + 21 * MINUTE_MS + 30 * MINUTE_MS;
    expect(r.snapshot().cooldownUntilMs).toBe(until);
    expect(codeOf(r.reserveEntry(entry({ tsMs: until - 1 })))).toBe('COOLDOWN');
    expect(isDenied(r.reserveEntry(entry({ tsMs: until })))).toBe(false);
  });

  it('counts a commission-only scratch as a loss', () => {
    const r = rm({ cooldownAfterLosses: 1 });
    roundTrip(r, T, 0);
    expect(codeOf(r.reserveEntry(entry({ tsMs: T + 2 * MINUTE_MS })))).toBe('COOLDOWN');
  });
});

describe('RiskManager: flat time and states', () => {
  it('goes REDUCING at 15:10 CT, requests one flatten, and is ACTIVE again at the 17:00 CT reopen', () => {
    const r = rm();
    r.onFill({ tsMs: ct(2024, 1, 3, 15, 0), symbol: 'MNQ', side: 'buy', qty: 1, price: 20000, commissionUsd: 0.37 });
    expect(r.onTime(ct(2024, 1, 3, 15, 9))).toEqual([]);
    const ev = r.onTime(ct(2024, 1, 3, 15, 10));
    expect(ev.map((e) => [e.kind, e.code])).toEqual([
      ['STATE_CHANGED', 'FLAT_TIME'],
      ['FLATTEN', 'FLAT_TIME'],
    ]);
    expect(r.onTime(ct(2024, 1, 3, 15, 11))).toEqual([]);
    expect(r.snapshot().mustFlatten).toBe(true);
    expect(r.flattenRequired).toBe(true);
    expect(codeOf(r.reserveEntry(entry({ symbol: 'MES', tsMs: ct(2024, 1, 3, 15, 11) })))).toBe('FLAT_TIME');
    r.onFill({ tsMs: ct(2024, 1, 3, 15, 11), symbol: 'MNQ', side: 'sell', qty: 1, price: 20000, commissionUsd: 0.37 });
    expect(r.snapshot().mustFlatten).toBe(false);
    const reopen = r.onTime(ct(2024, 1, 3, 17, 0));
    expect(reopen.map((e) => [e.code, e.kind === 'STATE_CHANGED' ? e.to : null])).toEqual([['NEW_TRADING_DAY', TradingState.ACTIVE]]);
  });

  it('records every state change with its reason in order', () => {
    const r = rm({ dailyProfitTargetUsd: 100 });
    roundTrip(r, T, 100); // +200
    r.onTime(ct(2024, 1, 3, 17, 0));
    expect(r.events.map((e) => (e.kind === 'STATE_CHANGED' ? `${e.from}>${e.to}:${e.code}` : e.kind))).toEqual([
      'ACTIVE>REDUCING:DAILY_PROFIT_TARGET',
      'REDUCING>ACTIVE:NEW_TRADING_DAY',
    ]);
  });

  it('denies bad orders with codes', () => {
    const r = rm();
    expect(codeOf(r.reserveEntry(entry({ symbol: 'XYZ' })))).toBe('UNKNOWN_INSTRUMENT');
    expect(codeOf(r.reserveEntry(entry({ stopTicks: 0 })))).toBe('INVALID_ORDER');
    expect(codeOf(r.reserveEntry(entry({ vixMultiplier: 0 })))).toBe('SIZE_ZERO');
  });
});

describe('RiskManager: shared risk across instruments', () => {
  it('does not double-spend the risk room between concurrent reservations', () => {
    const r = rm();
    // MNQ 400 ticks + 1 tick stop slippage: 201.24 per contract → 4 contracts (804.96) fit under 1000
    const a = r.reserveEntry(entry({ baseSize: 10, stopTicks: 400 })) as Reservation;
    expect(a).toMatchObject({ qty: 4, cappedBy: 'RISK_BUDGET' });
    expect(a.riskUsd).toBeCloseTo(804.96, 6);
    // MES 100 + 1 ticks: 126.99 per contract; room left 195.04 → 1
    const b = r.reserveEntry(entry({ symbol: 'MES', baseSize: 10, stopTicks: 100 })) as Reservation;
    expect(b.qty).toBe(1);
    // ES 100 + 1 ticks: 1265.30 per contract > 68.05 left
    expect(codeOf(r.reserveEntry(entry({ symbol: 'ES', baseSize: 10, stopTicks: 100 })))).toBe('RISK_BUDGET');
    expect(r.snapshot().reservedRiskUsd).toBeCloseTo(931.95, 6);
    r.release(a.id);
    // MNQ 100 + 1 ticks: 51.24 per contract; room 873.01 → the full base size of 10
    expect(r.reserveEntry(entry({ baseSize: 10, stopTicks: 100 }))).toMatchObject({ qty: 10, cappedBy: null });
  });

  it('keeps committed stop risk attached to the open position', () => {
    const r = rm();
    const a = r.reserveEntry(entry({ baseSize: 4, stopTicks: 400 })) as Reservation;
    r.onFill({ tsMs: T, symbol: 'MNQ', side: 'buy', qty: 4, price: 20000, commissionUsd: 1.48 });
    expect(r.commit(a.id)).toBe(true);
    expect(r.commit(a.id)).toBe(false);
    // the held position's stop risk (802.96) leaves no room for a 200.74 MES contract
    expect(r.reserveEntry(entry({ symbol: 'MES', baseSize: 4, stopTicks: 160 }))).toMatchObject({ code: 'RISK_BUDGET' });
    // closing it frees the room
    r.onFill({ tsMs: T + MINUTE_MS, symbol: 'MNQ', side: 'sell', qty: 4, price: 20000, commissionUsd: 1.48 });
    expect(r.reserveEntry(entry({ symbol: 'MES', baseSize: 4, stopTicks: 160 }))).toMatchObject({ qty: 4 });
  });

  it('allows one entry per instrument at a time (POSITION_OPEN), other instruments concurrently', () => {
    const r = rm();
    const a = r.reserveEntry(entry()) as Reservation;
    expect(codeOf(r.reserveEntry(entry()))).toBe('POSITION_OPEN');
    expect(isDenied(r.reserveEntry(entry({ symbol: 'MES' })))).toBe(false);
    r.commit(a.id);
    r.onFill({ tsMs: T, symbol: 'MNQ', side: 'buy', qty: a.qty, price: 20000, commissionUsd: 0.74 });
    expect(r.reserveEntry(entry())).toMatchObject({ code: 'POSITION_OPEN', detail: 'symbol=MNQ position=2 pending_entries=0' });
  });
});

describe('RiskManager: previewEntry (the RL action mask)', () => {
  it('gives the size reserveEntry would give, for either side, without reserving; refuses what reserveEntry refuses', () => {
    const r = rm();
    for (const baseSize of [1, 2, 5, 40]) {
      const long = r.previewEntry(entry({ baseSize }));
      const short = r.previewEntry(entry({ baseSize, side: 'short' }));
      expect(short).toEqual(long);
      const res = r.reserveEntry(entry({ baseSize }));
      expect('qty' in long ? long.qty : long.code).toBe(isDenied(res) ? res.code : res.qty);
      if (!isDenied(res)) r.release(res.id);
    }
    const res = r.reserveEntry(entry());
    expect(isDenied(res)).toBe(false);
    expect(codeOf(r.previewEntry(entry()) as RiskDenied)).toBe('POSITION_OPEN');
  });
});
