// Tests that rows read from bytes (plain rows) and rows read as text (everything else) give the same
// bars: prices equal Number() of the field text, times equal the text parser's, across gzip chunk ends.

import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { readBarsCsv } from '../../src/data/index.ts';
import { GrowableBars } from '../../src/data/growableBars.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();

/** A seeded pseudo-random generator (LCG), so the rows are the same every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('bar rows read from bytes', () => {
  it('gives the same bars as the text reading of the same rows (numbers as Number() reads them)', async () => {
    const next = rng(11);
    const rows: string[] = [];
    const expected: number[][] = [];
    let t = Date.UTC(2023, 2, 1, 14, 30);
    // Field spellings: plain decimals (byte path) and forms only the text path reads (blank padding,
    // exponent, leading "+" or ".", more than 15 digits, a quoted field).
    const spell = (x: number, k: number): string => {
      switch (k % 9) {
        case 0:
          return ` ${x}`;
        case 1:
          return `${x}e0`;
        case 2:
          return `+${x}`;
        case 3:
          return x.toFixed(16);
        case 4:
          return `"${x}"`;
        default:
          return String(x);
      }
    };
    for (let i = 0; i < 5000; i++) {
      t += 5 * 60_000;
      // On integer grids (so open and close lie strictly inside low..high whatever the rounding).
      const L = 100_000 + Math.floor(next() * 400_000);
      const a = 2 + Math.floor(next() * 2000);
      const low = L / 100;
      const high = (L + a) / 100;
      const open = (L * 100 + 1 + Math.floor(next() * (a * 100 - 2))) / 1e4;
      const close = (L * 1e5 + 1 + Math.floor(next() * (a * 1e5 - 2))) / 1e7;
      const volume = Math.floor(next() * 1e5);
      const d = new Date(t);
      const ts = `${d.toISOString().slice(0, 10)}${i % 2 ? 'T' : ' '}${d.toISOString().slice(11, i % 3 ? 19 : 16)}`;
      const k = Math.floor(next() * 30);
      const fields = [ts, spell(open, k), String(high), spell(low, k + 1), String(close), String(volume), '5'];
      rows.push(fields.join(','));
      const num = (s: string) => Number(s.trim().replace(/^"|"$/g, ''));
      expected.push([num(fields[1]!), high, num(fields[3]!), close, volume]);
    }
    const text = `\ufefftimestamp,open,high,low,close,volume,n\r\n${rows.join('\r\n')}`;
    const plain = tmp.file('rows.csv', text);
    const gz = tmp.file('rows.csv.gz', gzipSync(Buffer.from(text)));
    for (const f of [plain, gz]) {
      const r = await readBarsCsv(f, { timezone: 'UTC' });
      expect(r.dropped).toBe(0);
      expect(r.series.length).toBe(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const e = expected[i]!;
        const got = [r.series.open[i]!, r.series.high[i]!, r.series.low[i]!, r.series.close[i]!, r.series.volume[i]!];
        if (got.some((g, c) => !Object.is(g, e[c]))) throw new Error(`row ${i + 2} (${rows[i]}): got ${got.join(',')} want ${e.join(',')}`);
      }
      expect(r.series.tsMs[0]).toBe(Date.UTC(2023, 2, 1, 14, 35));
      expect(r.series.tsMs[rows.length - 1]).toBe(Date.UTC(2023, 2, 1, 14, 30) + rows.length * 5 * 60_000);
    }
  });
});

describe('GrowableBars', () => {
  const fill = (b: GrowableBars, n: number) => {
    for (let i = 0; i < n; i++) b.push(i, i + 1, i + 2, i, i + 1, i * 10);
  };
  it.each([
    ['no reserve (blocks copied)', 0, 200_000],
    ['a reserve that holds (one block, no copy)', 150_000, 149_990],
    ['a reserve too small (later blocks)', 50_000, 200_000],
  ])('returns every bar in order: %s', (_name, reserve, n) => {
    const b = new GrowableBars(100);
    fill(b, 100);
    if (reserve) b.reserve(reserve);
    fill(b, n - 100);
    const s = b.finish();
    expect(s.length).toBe(n);
    expect(s.tsMs.length).toBe(n);
    for (const i of [0, 99, 100, 65_635, n - 1]) {
      const j = i < 100 ? i : i - 100;
      expect([s.tsMs[i], s.open[i], s.volume[i]]).toEqual([j, j + 1, j * 10]);
    }
  });
});
