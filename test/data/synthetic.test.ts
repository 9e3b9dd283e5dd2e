// Tests of the synthetic generator: determinism (byte-identical output), valid bars, regime ground truth.

import { describe, expect, it } from 'vitest';
import { generateSyntheticBars, barsToCsv } from '../../src/data/index.ts';
import { sessionInfo } from '../../src/domain/session.ts';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();

describe('generateSyntheticBars', () => {
  it('gives byte-identical CSV for the same seed and different bars for another seed', () => {
    const a = barsToCsv(generateSyntheticBars({ seed: 11, days: 5 }).series);
    const b = barsToCsv(generateSyntheticBars({ seed: 11, days: 5 }).series);
    const c = barsToCsv(generateSyntheticBars({ seed: 12, days: 5 }).series);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('produces valid RTH bars on weekdays with all five regimes visited', () => {
    const r = generateSyntheticBars({ seed: 3, days: 60 });
    expect(r.series.length).toBe(60 * 78);
    const seen = new Set<number>();
    for (let i = 0; i < r.series.length; i++) {
      const { open, high, low, close, volume } = {
        open: r.series.open[i]!,
        high: r.series.high[i]!,
        low: r.series.low[i]!,
        close: r.series.close[i]!,
        volume: r.series.volume[i]!,
      };
      expect(high).toBeGreaterThanOrEqual(Math.max(open, close));
      expect(low).toBeLessThanOrEqual(Math.min(open, close));
      expect(volume).toBeGreaterThan(0);
      expect(sessionInfo(r.series.tsMs[i]!).isRth).toBe(true);
      if (i > 0) expect(r.series.tsMs[i]!).toBeGreaterThan(r.series.tsMs[i - 1]!);
      seen.add(r.regimes[i]!);
    }
    expect(seen.size).toBe(5);
  });

  it('has per-regime mean returns in the label order (STRONG_BULL highest, CRASH lowest)', () => {
    const r = generateSyntheticBars({ seed: 5, days: 250 });
    const sum = new Float64Array(5);
    const n = new Float64Array(5);
    for (let i = 1; i < r.series.length; i++) {
      const k = r.regimes[i]!;
      sum[k] += Math.log(r.series.close[i]! / r.series.open[i]!);
      n[k]++;
    }
    const means = [...sum].map((s, k) => s / n[k]!);
    for (let k = 1; k < 5; k++) expect(means[k - 1]!).toBeGreaterThan(means[k]!);
  });

  it('writes the same bytes from the CLI twice', () => {
    const run = (out: string) =>
      execFileSync('node', ['bin/txbot.mjs', 'data', 'synth', '--seed', '9', '--days', '3', '--out', out], { encoding: 'utf8' });
    run(`${tmp.dir}/a.csv`);
    run(`${tmp.dir}/b.csv`);
    expect(readFileSync(`${tmp.dir}/a.csv`)).toEqual(readFileSync(`${tmp.dir}/b.csv`));
  });
});
