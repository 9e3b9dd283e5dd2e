// Property tests (fast-check): size never above the contract cap, no signal while HALTED or in a blackout, stop-outs never breach the MLL floor.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TradingState } from '../../src/domain/trading.ts';
import { MINUTE_MS } from '../../src/domain/time.ts';
import { REGIME_LABELS_7 } from '../../src/domain/regime.ts';
import { validateConfig } from '../../src/config/index.ts';
import {
  computeFinalSize,
  contractUnits,
  evaluateFilters,
  filterSettingsFromConfig,
  generateSignal,
  maxContractUnits,
  RiskManager,
  type Reservation,
  type RiskDenied,
} from '../../src/strategy/index.ts';
import { DEFAULTS, ES, et, INSTRUMENTS, MES, MNQ } from './riskManager/support.ts';
import { bar, ctx, PASS } from './signalGenerator/support.ts';

const T = et(2024, 1, 3, 10, 30);
const isRes = (x: Reservation | RiskDenied): x is Reservation => 'id' in x;
const regimeArb = fc.constantFrom(...REGIME_LABELS_7);
const requestArb = fc.record({
  symbol: fc.constantFrom('MNQ', 'MES', 'ES'),
  side: fc.constantFrom('long' as const, 'short' as const),
  stopTicks: fc.integer({ min: 1, max: 400 }),
  baseSize: fc.integer({ min: 0, max: 200 }),
  regime: regimeArb,
  regimeConfidence: fc.double({ min: 0, max: 1, noNaN: true }),
  vixMultiplier: fc.constantFrom(0, 0.25, 0.5, 1),
  newsMultiplier: fc.constantFrom(0.5, 1),
});

describe('properties', () => {
  it('final size never exceeds the contract cap (micros 10:1), alone or across concurrent reservations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }), fc.array(requestArb, { minLength: 1, maxLength: 12 }), (minis, reqs) => {
        const r = new RiskManager(
          { ...DEFAULTS, maxContractsMinis: minis, dailyLossLimitUsd: null, maxLossLimitUsd: 1e9, maxTradesPerDay: 100 },
          INSTRUMENTS,
        );
        let units = 0;
        for (const q of reqs) {
          const res = r.reserveEntry({ ...q, tsMs: T });
          if (!isRes(res)) continue;
          units += res.qty * contractUnits(INSTRUMENTS.find((i) => i.symbol === q.symbol)!);
          expect(units).toBeLessThanOrEqual(maxContractUnits(minis));
        }
        expect(r.snapshot().usedContractUnits).toBe(units);
      }),
    );
  });

  it('computeFinalSize never exceeds contracts available nor the risk room', () => {
    fc.assert(
      fc.property(
        requestArb,
        fc.integer({ min: 0, max: 60 }),
        fc.double({ min: 0.5, max: 500, noNaN: true }),
        fc.double({ min: -100, max: 5000, noNaN: true }),
        (q, avail, perContract, room) => {
          const s = computeFinalSize({ ...q, caps: { contractsAvailable: avail, perContractRiskUsd: perContract, riskRoomUsd: room } }, DEFAULTS);
          expect(s.size).toBeLessThanOrEqual(avail);
          expect(Number.isInteger(s.size) && s.size >= 0).toBe(true);
          if (s.size > 0) expect(s.size * perContract).toBeLessThan(room);
        },
      ),
    );
  });

  it('no signal is produced while HALTED or in a blackout, whatever the bar or regime', () => {
    const barArb = fc
      .tuple(
        fc.double({ min: 19950, max: 20050, noNaN: true }),
        fc.double({ min: 0, max: 30, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
      )
      .map(([lo, range, c]) => bar(lo + range / 2, lo + range, lo, lo + c * range));
    fc.assert(
      fc.property(regimeArb, barArb, fc.boolean(), (regime, b, halted) => {
        const over = halted
          ? { tradingState: TradingState.HALTED }
          : { filters: { ...PASS, allowEntry: false, code: 'NEWS_BLACKOUT' as const, reason: 'event' } };
        const d = generateSignal(ctx(regime, b, over));
        expect(d.side).toBeNull();
        expect(d.reasonCode).toBe(halted ? 'HALTED' : 'NEWS_BLACKOUT');
      }),
    );
  });

  it('evaluateFilters never allows an entry inside a daily blackout window', () => {
    const settings = filterSettingsFromConfig(validateConfig({}, 'test'));
    const events = [10 * 60, 14 * 60]; // default 10:00 and 14:00 ET inside the entry window
    fc.assert(
      fc.property(fc.constantFrom(...events), fc.integer({ min: -5 * 60, max: 15 * 60 - 1 }), fc.integer({ min: 2, max: 26 }), (ev, offsetS, day) => {
        const t = et(2024, 2, day, 0, 0) + ev * MINUTE_MS + offsetS * 1000;
        const v = evaluateFilters({ tsMs: t, tradingDate: '2024-02-01', regime: 'BULL', settings });
        expect(v.allowEntry).toBe(false);
      }),
    );
  });

  it('a stop-out of every reserved entry never takes equity to the MLL floor or the daily limit', () => {
    const dayArb = fc.array(fc.integer({ min: -1500, max: 2500 }), { minLength: 0, maxLength: 4 });
    fc.assert(
      fc.property(dayArb, fc.array(requestArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: -400, max: 400 }), (eodMoves, reqs, markTicks) => {
        const r = new RiskManager({ ...DEFAULTS, maxTradesPerDay: 100 }, INSTRUMENTS);
        let balance = DEFAULTS.accountSizeUsd;
        eodMoves.forEach((m, i) => {
          balance = Math.max(r.mllFloorUsd + 1, balance + m);
          r.onTradingDayEnd(et(2024, 1, 2 + i, 17, 0), balance);
        });
        const day = et(2024, 1, 10, 10, 0);
        // an open position marked at a loss or gain first
        r.onFill({ tsMs: day, symbol: 'MNQ', side: 'buy', qty: 1, price: 20000, commissionUsd: 0.37 });
        const pre = r.reserveEntry({
          tsMs: day,
          symbol: 'MNQ',
          side: 'long',
          stopTicks: 100,
          baseSize: 1,
          regime: 'BULL',
          regimeConfidence: 1,
          vixMultiplier: 1,
          newsMultiplier: 1,
        });
        if (isRes(pre)) r.commit(pre.id);
        r.markToMarket('MNQ', 20000 + markTicks * 0.25, day + MINUTE_MS);
        if (r.state !== TradingState.ACTIVE) return;
        const filled: { res: Reservation; stopTicks: number }[] = [];
        // one position per instrument (the generator never adds to a position); MNQ is already held
        const seen = new Set(['MNQ']);
        for (const q of reqs) {
          if (seen.has(q.symbol)) continue;
          seen.add(q.symbol);
          const res = r.reserveEntry({ ...q, tsMs: day + 2 * MINUTE_MS });
          if (isRes(res)) filled.push({ res, stopTicks: q.stopTicks });
        }
        // every entry fills at 20000 and is stopped out, commissions included; the older position hits its stop too
        let t = day + 3 * MINUTE_MS;
        const inst = (s: string) => [MNQ, MES, ES].find((i) => i.symbol === s)!;
        for (const { res } of filled) {
          r.onFill({
            tsMs: t,
            symbol: res.symbol,
            side: res.side === 'long' ? 'buy' : 'sell',
            qty: res.qty,
            price: 20000,
            commissionUsd: res.qty * inst(res.symbol).commissionPerSideUsd,
          });
          r.commit(res.id);
        }
        const events = [];
        if (isRes(pre)) {
          events.push(
            ...r.onFill({
              tsMs: ++t,
              symbol: 'MNQ',
              side: 'sell',
              qty: 1,
              price: 20000 - (100 + DEFAULTS.stopSlippageTicks) * 0.25,
              commissionUsd: 0.37,
            }),
          );
        }
        for (const { res, stopTicks } of filled) {
          const i = inst(res.symbol);
          // the stop fills slippage ticks beyond its price, as the simulated broker fills it
          const worst = stopTicks + DEFAULTS.stopSlippageTicks;
          const stop = res.side === 'long' ? 20000 - worst * i.tickSize : 20000 + worst * i.tickSize;
          events.push(
            ...r.onFill({
              tsMs: ++t,
              symbol: res.symbol,
              side: res.side === 'long' ? 'sell' : 'buy',
              qty: res.qty,
              price: stop,
              commissionUsd: res.qty * i.commissionPerSideUsd,
            }),
          );
        }
        expect(events.filter((e) => e.code === 'MLL_BREACH' || e.code === 'DAILY_LOSS_LIMIT')).toEqual([]);
        expect(r.snapshot().equityUsd).toBeGreaterThan(r.mllFloorUsd);
      }),
      { numRuns: 300 },
    );
  });

  it('denies an entry whose single-contract stop would touch the MLL floor', () => {
    const r = new RiskManager({ ...DEFAULTS }, INSTRUMENTS);
    r.onTradingDayEnd(et(2024, 1, 2, 17, 0), 48_020);
    const res = r.reserveEntry({
      tsMs: T,
      symbol: 'MNQ',
      side: 'long',
      stopTicks: 40,
      baseSize: 5,
      regime: 'BULL',
      regimeConfidence: 1,
      vixMultiplier: 1,
      newsMultiplier: 1,
    });
    // floor 48000, equity 48020: one MNQ 40-tick stop with 1 tick slippage costs 21.24 → 47998.76 would breach
    expect(res).toMatchObject({ code: 'RISK_BUDGET' });
  });
});
