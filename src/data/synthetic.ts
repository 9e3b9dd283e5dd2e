// Seeded regime-switching bar generator: a Markov chain over 5 regimes with per-regime drift, volatility
// and volume, an intraday U-shape, and the true regime path returned as ground truth for tests.

import {
  REGIME_LABELS_5,
  createRng,
  DAY_MS,
  MINUTE_MS,
  daysOfDateKey,
  localToUtc,
  weekdayOfDays,
  EXCHANGE_ZONE,
  type BarSeries,
  type RegimeLabel,
} from '../domain/index.ts';
import { GrowableBars } from './growableBars.ts';

/** Per-regime dynamics of one bar: log-return drift and volatility, and mean volume. */
export interface RegimeDynamics {
  driftPerBar: number;
  volPerBar: number;
  meanVolume: number;
}

/** Defaults for 5-minute bars, ordered STRONG_BULL .. CRASH (means descend, as the labelling rule expects). */
export const DEFAULT_DYNAMICS: readonly RegimeDynamics[] = [
  { driftPerBar: 0.0006, volPerBar: 0.0009, meanVolume: 2600 },
  { driftPerBar: 0.0002, volPerBar: 0.0006, meanVolume: 1800 },
  { driftPerBar: 0.0, volPerBar: 0.0004, meanVolume: 1200 },
  { driftPerBar: -0.0003, volPerBar: 0.0013, meanVolume: 3000 },
  { driftPerBar: -0.0012, volPerBar: 0.0024, meanVolume: 5200 },
];

export interface SyntheticOptions {
  seed: number;
  /** Trading days (weekdays) to generate. */
  days: number;
  /** First trading date, YYYY-MM-DD (default 2024-01-02). Weekends are skipped. */
  startDate?: string;
  barMinutes?: number;
  /** rth: 09:30-16:00 ET only (default); globex: 18:00 ET previous evening to 17:00 ET. */
  session?: 'rth' | 'globex';
  startPrice?: number;
  tickSize?: number;
  /** Expected number of bars a regime lasts (default 150). */
  meanRegimeBars?: number;
  dynamics?: readonly RegimeDynamics[];
}

export interface SyntheticResult {
  series: BarSeries;
  /** True regime index per bar (0 = STRONG_BULL .. 4 = CRASH). */
  regimes: Int8Array;
  labels: readonly RegimeLabel[];
}

/** Intraday multiplier: higher volatility/volume at the open and close (x in [0, 1] through the session). */
function uShape(x: number, depth: number): number {
  return 1 + depth * (Math.cos(2 * Math.PI * x) * 0.5 + 0.1);
}

function roundTick(p: number, tick: number): number {
  return Math.round(p / tick) * tick;
}

/** Generates regime-switching bars; the same options always give the same bars. */
export function generateSyntheticBars(options: SyntheticOptions): SyntheticResult {
  const rng = createRng(options.seed);
  const barMinutes = options.barMinutes ?? 5;
  const tick = options.tickSize ?? 0.25;
  const dyn = options.dynamics ?? DEFAULT_DYNAMICS;
  const k = dyn.length;
  const stay = 1 - 1 / (options.meanRegimeBars ?? 150);
  const session = options.session ?? 'rth';
  const [openMin, lengthMin] = session === 'rth' ? [9 * 60 + 30, 390] : [-6 * 60, 23 * 60];
  const barsPerDay = Math.floor(lengthMin / barMinutes);
  const out = new GrowableBars(options.days * barsPerDay);
  const regimes = new Int8Array(options.days * barsPerDay);

  let day = daysOfDateKey(options.startDate ?? '2024-01-02');
  if (Number.isNaN(day)) throw new RangeError(`startDate must be YYYY-MM-DD (got ${options.startDate})`);
  let price = options.startPrice ?? 15000;
  let regime = 2;
  let n = 0;
  for (let d = 0; d < options.days; d++) {
    while (weekdayOfDays(day) === 0 || weekdayOfDays(day) === 6) day++;
    const sessionStartLocal = day * DAY_MS + openMin * MINUTE_MS;
    if (d > 0) price *= Math.exp(rng.normal() * 0.002);
    for (let b = 0; b < barsPerDay; b++) {
      if (n > 0 && rng.next() > stay) {
        const other = rng.int(k - 1);
        regime = other >= regime ? other + 1 : other;
      }
      const p = dyn[regime]!;
      const shape = uShape(b / barsPerDay, 0.3);
      const vol = p.volPerBar * shape;
      const r = p.driftPerBar + vol * rng.normal();
      const open = roundTick(price, tick);
      const close = roundTick(price * Math.exp(r), tick);
      const wickUp = Math.abs(rng.normal()) * vol * 0.6;
      const wickDown = Math.abs(rng.normal()) * vol * 0.6;
      const high = Math.max(open, close, roundTick(Math.max(open, close) * Math.exp(wickUp), tick));
      const low = Math.min(open, close, roundTick(Math.min(open, close) * Math.exp(-wickDown), tick));
      const volume = Math.max(1, Math.round(p.meanVolume * shape * Math.exp(0.3 * rng.normal())));
      const ts = localToUtc(EXCHANGE_ZONE, sessionStartLocal + b * barMinutes * MINUTE_MS)!;
      out.push(ts, open, high, low, close, volume);
      regimes[n++] = regime;
      price = close;
    }
    day++;
  }
  return { series: out.finish(), regimes: regimes.slice(0, n), labels: REGIME_LABELS_5.slice(0, k) };
}

/** One instrument of a correlated synthetic set. */
export interface SyntheticInstrument {
  readonly symbol: string;
  readonly startPrice: number;
  readonly tickSize: number;
  /** Volatility multiplier against the shared dynamics (default 1). */
  readonly volScale?: number;
}

export interface CorrelatedOptions extends Omit<SyntheticOptions, 'startPrice' | 'tickSize'> {
  readonly instruments: readonly SyntheticInstrument[];
  /** Correlation of the instruments' bar returns in [-1, 1] (one shared shock plus idiosyncratic ones). */
  readonly correlation: number;
}

/**
 * Several instruments on the same bars and one shared regime path: each bar's log return is
 * drift + vol·(ρ·z_common + √(1−ρ²)·z_own), so returns correlate by `correlation`. Seeded: the same
 * options give the same bars. For multi-instrument tests (M2K has no real intraday data here).
 */
export function generateCorrelatedBars(options: CorrelatedOptions): {
  bySymbol: Map<string, BarSeries>;
  regimes: Int8Array;
  labels: readonly RegimeLabel[];
} {
  const rho = options.correlation;
  if (!(rho >= -1 && rho <= 1)) throw new RangeError(`correlation must be in [-1, 1] (got ${rho})`);
  const rng = createRng(options.seed);
  const barMinutes = options.barMinutes ?? 5;
  const dyn = options.dynamics ?? DEFAULT_DYNAMICS;
  const k = dyn.length;
  const stay = 1 - 1 / (options.meanRegimeBars ?? 150);
  const [openMin, lengthMin] = (options.session ?? 'rth') === 'rth' ? [9 * 60 + 30, 390] : [-6 * 60, 23 * 60];
  const barsPerDay = Math.floor(lengthMin / barMinutes);
  const insts = options.instruments;
  const outs = insts.map(() => new GrowableBars(options.days * barsPerDay));
  const prices = insts.map((i) => i.startPrice);
  const regimes = new Int8Array(options.days * barsPerDay);
  const own = Math.sqrt(1 - rho * rho);
  let day = daysOfDateKey(options.startDate ?? '2024-01-02');
  if (Number.isNaN(day)) throw new RangeError(`startDate must be YYYY-MM-DD (got ${options.startDate})`);
  let regime = 2;
  let n = 0;
  for (let d = 0; d < options.days; d++) {
    while (weekdayOfDays(day) === 0 || weekdayOfDays(day) === 6) day++;
    const sessionStartLocal = day * DAY_MS + openMin * MINUTE_MS;
    if (d > 0) {
      const gap = rng.normal();
      for (let j = 0; j < insts.length; j++) prices[j]! *= Math.exp((rho * gap + own * rng.normal()) * 0.002);
    }
    for (let b = 0; b < barsPerDay; b++) {
      if (n > 0 && rng.next() > stay) {
        const other = rng.int(k - 1);
        regime = other >= regime ? other + 1 : other;
      }
      const p = dyn[regime]!;
      const shape = uShape(b / barsPerDay, 0.3);
      const common = rng.normal();
      const ts = localToUtc(EXCHANGE_ZONE, sessionStartLocal + b * barMinutes * MINUTE_MS)!;
      for (let j = 0; j < insts.length; j++) {
        const inst = insts[j]!;
        const tick = inst.tickSize;
        const vol = p.volPerBar * shape * (inst.volScale ?? 1);
        const r = p.driftPerBar + vol * (rho * common + own * rng.normal());
        const price = prices[j]!;
        const open = roundTick(price, tick);
        const close = roundTick(price * Math.exp(r), tick);
        const high = Math.max(open, close, roundTick(Math.max(open, close) * Math.exp(Math.abs(rng.normal()) * vol * 0.6), tick));
        const low = Math.min(open, close, roundTick(Math.min(open, close) * Math.exp(-Math.abs(rng.normal()) * vol * 0.6), tick));
        const volume = Math.max(1, Math.round(p.meanVolume * shape * Math.exp(0.3 * rng.normal())));
        outs[j]!.push(ts, open, high, low, close, volume);
        prices[j] = close;
      }
      regimes[n++] = regime;
    }
    day++;
  }
  return {
    bySymbol: new Map(insts.map((i, j) => [i.symbol, outs[j]!.finish()])),
    regimes: regimes.slice(0, n),
    labels: REGIME_LABELS_5.slice(0, k),
  };
}
