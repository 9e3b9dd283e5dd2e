// Benchmark of the per-bar strategy chain (VWAP update, filters, generateSignal, risk mark/reserve) on real or synthetic 1-minute bars.
// Run: npx tsx bench/strategy.bench.ts  (uses the shared NQ sample when present, else synthetic bars)

import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { loadBars, generateSyntheticBars } from '../src/data/index.ts';
import { barAt, type BarSeries } from '../src/domain/bar.ts';
import { sessionInfo } from '../src/domain/session.ts';
import { MINUTE_MS } from '../src/domain/time.ts';
import { validateConfig } from '../src/config/index.ts';
import {
  evaluateFilters,
  filterSettingsFromConfig,
  generateSignal,
  RiskManager,
  riskSettingsFromConfig,
  signalSettingsFromConfig,
  type TradeSignal,
} from '../src/strategy/index.ts';
import { SessionVwap } from '../src/domain/vwap.ts';
import { readCalendarCsv, resolveCalendarFile } from '../src/integrations/calendar.ts';
import { readVixCsv, resolveVixFile } from '../src/integrations/vix.ts';
import { figure } from './support/figure.ts';

const INST = { symbol: 'NQ', tickSize: 0.25, tickValueUsd: 5, commissionPerSideUsd: 1.4, isMicro: false };

async function series(): Promise<{ s: BarSeries; source: string }> {
  const f = resolve(import.meta.dirname, '../../shared/data/nq_1min_firstrate_sample_2023-11-19_2023-12-04_ET.csv');
  if (existsSync(f)) return { s: (await loadBars(f)).series, source: 'NQ 1-min sample' };
  const r = generateSyntheticBars({ seed: 7 } as never) as unknown as { series: BarSeries };
  return { s: r.series, source: 'synthetic' };
}

function run(s: BarSeries, repeats: number): { bars: number; ms: number; signals: number } {
  const config = validateConfig({}, 'bench');
  const fs = filterSettingsFromConfig(config);
  const ss = signalSettingsFromConfig(config);
  const vixFile = resolveVixFile(null, process.cwd());
  const calFile = resolveCalendarFile(null, process.cwd());
  const vixTable = vixFile ? readVixCsv(vixFile) : null;
  const calendar = calFile ? readCalendarCsv(calFile) : undefined;
  let signals = 0;
  const t0 = performance.now();
  for (let r = 0; r < repeats; r++) {
    const risk = new RiskManager(riskSettingsFromConfig(config), [INST]);
    const vwap = new SessionVwap();
    for (let i = 0; i < s.length; i++) {
      const bar = barAt(s, i);
      const tsMs = bar.tsMs + MINUTE_MS;
      risk.markToMarket('NQ', bar.close, tsMs);
      const snap = vwap.update(bar);
      const regime = bar.close >= snap.vwap ? 'BULL' : 'BEAR';
      const date = sessionInfo(bar.tsMs).tradingDate;
      const verdict = evaluateFilters({ tsMs, tradingDate: date, regime, settings: fs, vixTable, calendar });
      const d = generateSignal({
        bar,
        instrument: INST,
        regimeInfo: { regime, state: 0, confidence: 0.8, probs: [], logLikelihood: 0 },
        vwap: snap,
        filters: verdict,
        position: null,
        tradingState: risk.state,
        regimeTradesThisSession: 0,
        settings: ss,
      });
      if (d.side !== null) {
        const sig = d as TradeSignal;
        const res = risk.reserveEntry({
          tsMs,
          symbol: 'NQ',
          side: sig.side,
          stopTicks: sig.stopTicks,
          baseSize: sig.size,
          regime,
          regimeConfidence: 0.8,
          vixMultiplier: verdict.vixMultiplier,
          newsMultiplier: verdict.newsMultiplier,
        });
        if ('id' in res) {
          signals++;
          risk.release(res.id);
        }
      }
    }
  }
  return { bars: s.length * repeats, ms: performance.now() - t0, signals };
}

const { s, source } = await series();
run(s, 1); // warm-up
const r = run(s, 10);
figure('strategy chain per bar', (r.ms * 1000) / r.bars, 'µs');
console.log(
  `strategy chain: ${r.bars} bars (${source} ×10) in ${r.ms.toFixed(0)} ms = ${((r.ms * 1000) / r.bars).toFixed(2)} µs/bar, ${(r.bars / (r.ms / 1000) / 1e6).toFixed(2)} M bars/s; ${r.signals} reservations`,
);
