// Append-only columnar bar buffer that doubles its Float64Arrays as it grows.

import type { BarSeries } from '../domain/index.ts';

/** Collects bars column-wise; `finish()` returns a tight BarSeries. */
export class GrowableBars {
  private cap: number;
  private n = 0;
  private ts: Float64Array;
  private o: Float64Array;
  private h: Float64Array;
  private l: Float64Array;
  private c: Float64Array;
  private v: Float64Array;

  constructor(initialCapacity = 1024) {
    this.cap = Math.max(16, initialCapacity);
    this.ts = new Float64Array(this.cap);
    this.o = new Float64Array(this.cap);
    this.h = new Float64Array(this.cap);
    this.l = new Float64Array(this.cap);
    this.c = new Float64Array(this.cap);
    this.v = new Float64Array(this.cap);
  }

  get length(): number {
    return this.n;
  }

  push(tsMs: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.ts[i] = tsMs;
    this.o[i] = open;
    this.h[i] = high;
    this.l[i] = low;
    this.c[i] = close;
    this.v[i] = volume;
  }

  private grow(): void {
    this.cap *= 2;
    const g = (a: Float64Array) => {
      const b = new Float64Array(this.cap);
      b.set(a);
      return b;
    };
    this.ts = g(this.ts);
    this.o = g(this.o);
    this.h = g(this.h);
    this.l = g(this.l);
    this.c = g(this.c);
    this.v = g(this.v);
  }

  finish(): BarSeries {
    const n = this.n;
    return {
      length: n,
      tsMs: this.ts.slice(0, n),
      open: this.o.slice(0, n),
      high: this.h.slice(0, n),
      low: this.l.slice(0, n),
      close: this.c.slice(0, n),
      volume: this.v.slice(0, n),
    };
  }
}
