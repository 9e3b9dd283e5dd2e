// Smoke test on real NQ 1-minute bars: VWAP vs a two-pass computation per session, and the whole decision chain's invariants.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBars } from '../../src/data/index.ts';
import { barAt, type BarSeries } from '../../src/domain/bar.ts';
import { sessionInfo } from '../../src/domain/session.ts';
import { MINUTE_MS } from '../../src/domain/time.ts';
import { validateConfig } from '../../src/config/index.ts';
import type { RegimeLabel } from '../../src/domain/regime.ts';
import {
  evaluateFilters,
  filterSettingsFromConfig,
  generateSignal,
  RegimeRunTracker,
  riskSettingsFromConfig,
  RiskManager,
  SessionTradeCounter,
  signalSettingsFromConfig,
  type TradeSignal,
} from '../../src/strategy/index.ts';
import { SessionVwap } from '../../src/domain/vwap.ts';
import { readCalendarCsv, SHARED_CALENDAR_FILE } from '../../src/integrations/calendar.ts';
import { readVixCsv, SHARED_VIX_FILE } from '../../src/integrations/vix.ts';

const dataDir = resolve(import.meta.dirname, '../../../shared/data');
const NQ = resolve(dataDir, 'nq_1min_firstrate_sample_2023-11-19_2023-12-04_ET.csv');
const present = existsSync(NQ) && existsSync(resolve(dataDir, SHARED_VIX_FILE));
const NQ_INST = { symbol: 'NQ', tickSize: 0.25, tickValueUsd: 5, commissionPerSideUsd: 1.4, isMicro: false };

describe.skipIf(!present)('real NQ 1-minute data (skipped when /work/shared/data is absent)', () => {
  let s: BarSeries;
  beforeAll(async () => {
    s = (await loadBars(NQ)).series;
  });

  it('session VWAP equals a two-pass computation at every session close', () => {
    const v = new SessionVwap();
    let sessionStart = 0;
    let prevStart: number | null = null;
    let checked = 0;
    const check = (from: number, to: number, snap: { vwap: number; std: number }) => {
      let V = 0,
        PV = 0;
      for (let j = from; j < to; j++) {
        const p = (s.high[j]! + s.low[j]! + s.close[j]!) / 3;
        V += s.volume[j]!;
        PV += s.volume[j]! * p;
      }
      const mean = PV / V;
      let q = 0;
      for (let j = from; j < to; j++) {
        const p = (s.high[j]! + s.low[j]! + s.close[j]!) / 3;
        q += s.volume[j]! * (p - mean) ** 2;
      }
      expect(snap.vwap).toBeCloseTo(mean, 6);
      expect(snap.std).toBeCloseTo(Math.sqrt(q / V), 4);
      checked++;
    };
    let last = null as ReturnType<SessionVwap['update']> | null;
    for (let i = 0; i < s.length; i++) {
      const snap = v.update(barAt(s, i));
      if (v.sessionStartTsMs !== prevStart) {
        if (last && prevStart !== null) check(sessionStart, i, last);
        sessionStart = i;
        prevStart = v.sessionStartTsMs;
      }
      last = snap;
    }
    expect(checked).toBeGreaterThan(8);
  });

  it('the decision chain keeps its invariants on every bar', () => {
    const config = validateConfig({ hmm: { n_states: 7 } }, 'test');
    const fs = filterSettingsFromConfig(config);
    const ss = signalSettingsFromConfig(config);
    const vixTable = readVixCsv(resolve(dataDir, SHARED_VIX_FILE));
    const calendar = readCalendarCsv(resolve(dataDir, SHARED_CALENDAR_FILE));
    const risk = new RiskManager(riskSettingsFromConfig(config), [NQ_INST]);
    const vwap = new SessionVwap();
    const runs = new RegimeRunTracker();
    const counter = new SessionTradeCounter();
    const codes = new Map<string, number>();
    const labels: RegimeLabel[] = ['STRONG_BULL', 'BULL', 'SOFT_BULL', 'NEUTRAL', 'SOFT_BEAR', 'BEAR', 'CRASH'];
    for (let i = 0; i < s.length; i++) {
      const bar = barAt(s, i);
      const tsMs = bar.tsMs + MINUTE_MS;
      risk.markToMarket('NQ', bar.close, tsMs);
      const snap = vwap.update(bar);
      // a stand-in regime: distance from VWAP in σ mapped onto the 7 labels
      const z = snap.std > 0 ? (bar.close - snap.vwap) / snap.std : 0;
      const regime = labels[Math.max(0, Math.min(6, Math.round(3 - z * 1.5)))]!;
      const anchored = vwap.getAnchored(runs.update(bar.tsMs, regime));
      const date = sessionInfo(bar.tsMs).tradingDate;
      const verdict = evaluateFilters({ tsMs, tradingDate: date, regime, settings: fs, vixTable, calendar });
      const d = generateSignal({
        bar,
        instrument: NQ_INST,
        regimeInfo: { regime, state: 0, confidence: 0.7, probs: [], logLikelihood: 0 },
        vwap: snap,
        anchoredVwap: anchored,
        filters: verdict,
        position: null,
        tradingState: risk.state,
        regimeTradesThisSession: counter.count(date, regime),
        settings: ss,
      });
      codes.set(d.reasonCode, (codes.get(d.reasonCode) ?? 0) + 1);
      if (d.side === null) continue;
      const sig = d as TradeSignal;
      expect(verdict.allowEntry).toBe(true);
      const dir = sig.side === 'long' ? 1 : -1;
      for (const p of [sig.entryPrice, sig.stopPrice, sig.targetPrice]) expect(Math.abs(p * 4 - Math.round(p * 4))).toBeLessThan(1e-6);
      expect((sig.entryPrice - sig.stopPrice) * dir).toBeGreaterThan(0);
      expect((sig.targetPrice - sig.entryPrice) * dir).toBeGreaterThan(0);
      const res = risk.reserveEntry({
        tsMs,
        symbol: 'NQ',
        side: sig.side,
        stopTicks: sig.stopTicks,
        baseSize: sig.size,
        regime,
        regimeConfidence: 0.7,
        vixMultiplier: verdict.vixMultiplier,
        newsMultiplier: verdict.newsMultiplier,
      });
      if ('id' in res) {
        expect(res.qty).toBeLessThanOrEqual(5);
        risk.release(res.id); // no broker here: the engine's job
        counter.record(date, regime);
      }
    }
    if (process.env.TXBOT_PRINT_CODES) console.log(Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])));
    // the chain produced both trades and every kind of block on two weeks of data
    expect([...codes.keys()]).toEqual(
      expect.arrayContaining(['NO_SETUP', 'BEFORE_ENTRY_START', 'AFTER_ENTRY_CUTOFF', 'NEWS_BLACKOUT', 'MAX_REGIME_TRADES']),
    );
    expect([...codes.keys()].some((c) => c === 'PULLBACK_TO_VWAP' || c === 'RALLY_TO_VWAP' || c.startsWith('FADE_'))).toBe(true);
  });
});
