// Append-only columnar bar buffer: fixed-size Float64Array blocks, copied once into tight columns at the end.

import type { BarSeries } from '../domain/index.ts';

const COLUMNS = 6;

/**
 * Collects bars column-wise; `finish()` returns a tight BarSeries. The first block holds
 * `initialCapacity` rows, later blocks at least as many (up to 64k rows), so a series of unknown length
 * costs its own size in blocks plus the final copy, never the 2x of a doubled array (1M bars: 103 MB
 * at the peak instead of about 150 MB, with the doubled arrays left for the collector).
 */
export class GrowableBars {
  private readonly blockRows: number;
  /** Full blocks: COLUMNS arrays each (ts, open, high, low, close, volume). */
  private readonly full: Float64Array[][] = [];
  private fullRows = 0;
  private cur: Float64Array[];
  private curCap: number;
  private i = 0;

  constructor(initialCapacity = 1024) {
    this.curCap = Math.max(16, initialCapacity);
    this.blockRows = Math.max(this.curCap, 1 << 16);
    this.cur = GrowableBars.block(this.curCap);
  }

  private static block(rows: number): Float64Array[] {
    const b: Float64Array[] = [];
    for (let c = 0; c < COLUMNS; c++) b.push(new Float64Array(rows));
    return b;
  }

  /**
   * Makes room for about `rows` more bars in one block (a size estimate, e.g. from the file size): the
   * bars so far move into it, and when the estimate holds `finish()` returns views of it without a copy.
   */
  reserve(rows: number): void {
    const cap = this.length + Math.max(0, Math.ceil(rows));
    if (cap <= this.curCap - this.i + this.length) return;
    const b = GrowableBars.block(cap);
    let at = 0;
    for (const f of [...this.full, this.cur]) {
      const k = f === this.cur ? this.i : f[0]!.length;
      for (let c = 0; c < COLUMNS; c++) b[c]!.set(f[c]!.subarray(0, k), at);
      at += k;
    }
    this.full.length = 0;
    this.fullRows = 0;
    this.cur = b;
    this.curCap = cap;
    this.i = at;
  }

  get length(): number {
    return this.fullRows + this.i;
  }

  push(tsMs: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.i === this.curCap) {
      this.full.push(this.cur);
      this.fullRows += this.i;
      this.curCap = this.blockRows;
      this.cur = GrowableBars.block(this.curCap);
      this.i = 0;
    }
    const b = this.cur;
    const i = this.i++;
    b[0]![i] = tsMs;
    b[1]![i] = open;
    b[2]![i] = high;
    b[3]![i] = low;
    b[4]![i] = close;
    b[5]![i] = volume;
  }

  finish(): BarSeries {
    const n = this.length;
    if (this.full.length === 0 && n >= this.curCap * 0.9 && n > 0) {
      // One block nearly full (a reserve() that held): its columns are the series, no copy.
      const b = this.cur;
      this.cur = [EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY];
      this.i = 0;
      this.curCap = 0;
      return {
        length: n,
        tsMs: b[0]!.subarray(0, n),
        open: b[1]!.subarray(0, n),
        high: b[2]!.subarray(0, n),
        low: b[3]!.subarray(0, n),
        close: b[4]!.subarray(0, n),
        volume: b[5]!.subarray(0, n),
      };
    }
    const cols: Float64Array<ArrayBuffer>[] = [];
    for (let c = 0; c < COLUMNS; c++) {
      const out = new Float64Array(n);
      let at = 0;
      for (const b of this.full) {
        out.set(b[c]!, at);
        at += b[c]!.length;
        b[c] = EMPTY;
      }
      out.set(this.cur[c]!.subarray(0, this.i), at);
      this.cur[c] = EMPTY;
      cols.push(out);
    }
    // Emptied: a later push starts a new block.
    this.full.length = 0;
    this.fullRows = 0;
    this.i = 0;
    this.curCap = 0;
    return { length: n, tsMs: cols[0]!, open: cols[1]!, high: cols[2]!, low: cols[3]!, close: cols[4]!, volume: cols[5]! };
  }
}

const EMPTY = new Float64Array(0);
