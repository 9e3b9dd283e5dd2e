// Session VWAP with volume-weighted σ bands, reset daily at an anchor time, plus VWAP anchored at any earlier bar.
// Use: `const v = new SessionVwap(); const snap = v.update(bar)` → { vwap, std, bands }; `v.getAnchored(tsMs)` for anchored VWAP.

import type { Bar } from './bar.ts';
import { DAY_MS, HOUR_MS, localToUtc, MINUTE_MS, minutesOfClock, toLocalParts, type ZoneName } from './time.ts';

/** Price taken from each bar: typical = (H+L+C)/3, close = C, ohlc4 = (O+H+L+C)/4. */
export type VwapPriceSource = 'typical' | 'close' | 'ohlc4';

/** One σ band pair: lower = vwap − k·σ, upper = vwap + k·σ. */
export interface VwapBand {
  readonly multiplier: number;
  readonly lower: number;
  readonly upper: number;
}

/** VWAP state after a bar (or over an anchored range). */
export interface VwapSnapshot {
  /** tsMs of the last bar included. */
  readonly tsMs: number;
  /** tsMs of the first bar included (session start bar, or the anchor bar). */
  readonly anchorTsMs: number;
  /** Σ v·p / Σ v; the last bar's price while no volume has traded. */
  readonly vwap: number;
  /** Volume-weighted standard deviation sqrt(Σ v·(p − vwap)² / Σ v); 0 while no volume has traded. */
  readonly std: number;
  /** One pair per configured multiplier, in configured order. */
  readonly bands: readonly VwapBand[];
  /** Σ v over the range. */
  readonly volume: number;
  /** Number of bars in the range. */
  readonly barCount: number;
}

/** Options of SessionVwap (config `vwap.*` and `session.timezone`). */
export interface SessionVwapOptions {
  /** Reset time "HH:MM" in `timeZone` (config vwap.anchor_time); default 09:30. */
  readonly anchorTime?: string;
  /** Zone of the anchor time; default America/New_York (DST-correct). */
  readonly timeZone?: ZoneName;
  /** σ multipliers of the bands (config vwap.band_multipliers); default [1, 2]. */
  readonly bandMultipliers?: readonly number[];
  /** default typical. */
  readonly priceSource?: VwapPriceSource;
  /** Bars kept for getAnchored (older ones are dropped); default 20 000. */
  readonly maxHistoryBars?: number;
}

/** The bar's price for a price source. */
export function vwapPrice(bar: Bar, source: VwapPriceSource): number {
  if (source === 'close') return bar.close;
  if (source === 'ohlc4') return (bar.open + bar.high + bar.low + bar.close) / 4;
  return (bar.high + bar.low + bar.close) / 3;
}

/** Price of the signed band `k` (k = +2 → upper 2σ, −1 → lower 1σ, 0 → VWAP). */
export function bandPrice(snap: Pick<VwapSnapshot, 'vwap' | 'std'>, k: number): number {
  return snap.vwap + k * snap.std;
}

/**
 * Session id of an instant: the local day number of the latest anchor time at or before it,
 * so bars before the anchor belong to the previous day's session.
 */
export function vwapSessionKey(tsMs: number, anchorMinute: number, zone: ZoneName): number {
  const p = toLocalParts(zone, tsMs);
  return p.minuteOfDay >= anchorMinute ? p.days : p.days - 1;
}

function growTo(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  if (a.length >= n) return a;
  const b = new Float64Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Session VWAP and σ bands, reset when a bar opens at or after the next anchor time (09:30 ET by
 * default), and VWAP anchored at any earlier bar.
 *
 * Maths, with p_i the bar price and v_i its volume over bars i in the range:
 *   VWAP = Σ v_i p_i / Σ v_i,   σ² = Σ v_i (p_i − VWAP)² / Σ v_i = Σ v_i p_i²/Σ v_i − VWAP².
 * Sums are kept as prefix sums of (v, v·(p−c), v·(p−c)²) with a fixed shift c (first price seen)
 * so the subtraction loses no precision and any range [anchor, now] costs two lookups: update()
 * is O(1) amortised, getAnchored() is O(log n) (binary search of the anchor bar).
 * Bars must arrive in ascending tsMs; a bar with tsMs not after the previous one is ignored.
 * Session key = local day of the latest anchor at or before the bar, so after a weekend the
 * pre-anchor bars (Sunday evening, Monday overnight) form their own session until 09:30.
 */
export class SessionVwap {
  private readonly anchorMinute: number;
  private readonly zone: ZoneName;
  private readonly multipliers: readonly number[];
  private readonly source: VwapPriceSource;
  private readonly maxHistory: number;
  // prefix sums: index i holds sums over bars [0, i) of the kept history
  private ts = new Float64Array(256);
  private lastPrice = new Float64Array(256);
  private sumV = new Float64Array(257);
  private sumVP = new Float64Array(257);
  private sumVPP = new Float64Array(257);
  private n = 0;
  private shift = Number.NaN;
  private sessionKey = Number.NaN;
  private nextAnchorMs = Number.NEGATIVE_INFINITY;
  private sessionStart = 0;
  private last: VwapSnapshot | null = null;
  private droppedAny = false;

  constructor(options: SessionVwapOptions = {}) {
    this.anchorMinute = minutesOfClock(options.anchorTime ?? '09:30');
    if (Number.isNaN(this.anchorMinute)) throw new RangeError(`vwap.anchor_time must be "HH:MM" (got ${options.anchorTime})`);
    this.zone = options.timeZone ?? 'America/New_York';
    this.multipliers = [...(options.bandMultipliers ?? [1, 2])];
    this.source = options.priceSource ?? 'typical';
    this.maxHistory = Math.max(2, options.maxHistoryBars ?? 20_000);
  }

  /** Adds a bar (resetting at the session anchor) and returns the session snapshot including it. */
  update(bar: Bar): VwapSnapshot {
    if (this.n > 0 && bar.tsMs <= this.ts[this.n - 1]!) return this.last!;
    const p = vwapPrice(bar, this.source);
    if (Number.isNaN(this.shift)) this.shift = p;
    if (this.n + 1 > this.maxHistory) this.dropOldest();
    const i = this.n;
    this.ts = growTo(this.ts, i + 1);
    this.lastPrice = growTo(this.lastPrice, i + 1);
    this.sumV = growTo(this.sumV, i + 2);
    this.sumVP = growTo(this.sumVP, i + 2);
    this.sumVPP = growTo(this.sumVPP, i + 2);
    const v = bar.volume > 0 ? bar.volume : 0;
    const d = p - this.shift;
    this.ts[i] = bar.tsMs;
    this.lastPrice[i] = p;
    this.sumV[i + 1] = this.sumV[i]! + v;
    this.sumVP[i + 1] = this.sumVP[i]! + v * d;
    this.sumVPP[i + 1] = this.sumVPP[i]! + v * d * d;
    this.n = i + 1;
    // the zone conversion runs once per session: bars before the next anchor instant stay in it
    if (!(bar.tsMs < this.nextAnchorMs)) {
      const key = vwapSessionKey(bar.tsMs, this.anchorMinute, this.zone);
      if (key !== this.sessionKey) {
        this.sessionKey = key;
        this.sessionStart = i;
      }
      this.nextAnchorMs = this.anchorInstantAfter(key);
    }
    this.last = this.range(this.sessionStart, this.n);
    return this.last;
  }

  /** First instant of the session after the one keyed `key` (the next day's anchor, DST-correct). */
  private anchorInstantAfter(key: number): number {
    const naive = (key + 1) * DAY_MS + this.anchorMinute * MINUTE_MS;
    // an anchor inside the skipped spring-forward hour: re-check from the first local time after the gap
    const afterGap = naive - (naive % HOUR_MS) + HOUR_MS;
    return localToUtc(this.zone, naive) ?? localToUtc(this.zone, afterGap) ?? Number.NEGATIVE_INFINITY;
  }

  /** The snapshot after the last update, or null before the first bar. */
  get current(): VwapSnapshot | null {
    return this.last;
  }

  /** Start instant of the current session's first bar, or null before the first bar. */
  get sessionStartTsMs(): number | null {
    return this.n === 0 ? null : this.ts[this.sessionStart]!;
  }

  /**
   * VWAP anchored at the first kept bar with tsMs >= `anchorTsMs`, through the last bar (across
   * session resets). Null when no bar is at or after the anchor, or the anchor is older than the
   * kept history (maxHistoryBars).
   */
  getAnchored(anchorTsMs: number): VwapSnapshot | null {
    if (this.n === 0) return null;
    if (anchorTsMs < this.ts[0]!) return this.droppedAny ? null : this.range(0, this.n);
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < anchorTsMs) lo = mid + 1;
      else hi = mid;
    }
    return lo >= this.n ? null : this.range(lo, this.n);
  }

  private range(from: number, to: number): VwapSnapshot {
    const V = this.sumV[to]! - this.sumV[from]!;
    let vwap: number;
    let std = 0;
    if (V > 0) {
      const mean = (this.sumVP[to]! - this.sumVP[from]!) / V;
      const second = (this.sumVPP[to]! - this.sumVPP[from]!) / V;
      vwap = this.shift + mean;
      std = Math.sqrt(Math.max(0, second - mean * mean));
    } else {
      vwap = this.lastPrice[to - 1]!;
    }
    const bands: VwapBand[] = [];
    for (const k of this.multipliers) bands.push({ multiplier: k, lower: vwap - k * std, upper: vwap + k * std });
    return { tsMs: this.ts[to - 1]!, anchorTsMs: this.ts[from]!, vwap, std, bands, volume: V, barCount: to - from };
  }

  /** Drops the older half of the history (keeping the current session), re-basing the prefix sums. */
  private dropOldest(): void {
    const keepFrom = Math.min(this.sessionStart, Math.floor(this.n / 2));
    if (keepFrom <= 0) return;
    const base = [this.sumV[keepFrom]!, this.sumVP[keepFrom]!, this.sumVPP[keepFrom]!] as const;
    const m = this.n - keepFrom;
    this.ts.copyWithin(0, keepFrom, this.n);
    this.lastPrice.copyWithin(0, keepFrom, this.n);
    for (let i = 0; i <= m; i++) {
      this.sumV[i] = this.sumV[i + keepFrom]! - base[0];
      this.sumVP[i] = this.sumVP[i + keepFrom]! - base[1];
      this.sumVPP[i] = this.sumVPP[i + keepFrom]! - base[2];
    }
    this.n = m;
    this.sessionStart -= keepFrom;
    this.droppedAny = true;
  }
}
