// `txbot data inspect` on every file in ../shared/data gives a sensible report (skipped without the folder).

import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inspectFile } from '../../src/data/inspect.ts';
import { sharedDataDir } from '../../src/data/index.ts';
import { execFileSync } from 'node:child_process';

const dir = sharedDataDir();
const files = dir ? readdirSync(dir).filter((f) => /\.csv(\.gz)?$/.test(f)) : [];

describe.skipIf(!dir)('inspect shared data (needs ../shared/data)', () => {
  it.each(files)('reports %s', async (name) => {
    const rep = await inspectFile(join(dir!, name));
    if (name.startsWith('us_econ')) {
      expect(rep.kind).toBe('events');
      if (rep.kind === 'events') expect(rep.rows).toBe(563);
      return;
    }
    if (name.startsWith('mgc_rolls')) {
      expect(rep.kind).toBe('rolls');
      if (rep.kind === 'rolls') {
        expect(rep.rolls).toBe(25);
        expect(rep.contracts[0]).toBe('MGCG1');
        expect(rep.maxGapPts).toBe(56.4);
      }
      return;
    }
    expect(rep.kind).toBe('bars');
    if (rep.kind !== 'bars') return;
    expect(rep.bars).toBeGreaterThan(1000);
    if (name.includes('5min')) expect(rep.barMinutes).toBe(5);
    // The gzipped ES file (~1M rows) is streamed; every row must arrive.
    if (name.startsWith('es_5min')) expect(rep.bars).toBe(1_073_624);
    if (name.includes('1min')) expect(rep.barMinutes).toBe(1);
    if (name.includes('daily')) expect(rep.barMinutes).toBeGreaterThanOrEqual(1440);
    if (name.startsWith('vix')) expect(rep.problemCounts.open_outside_range).toBe(47);
    else expect(rep.problems).toEqual([]);
  });

  it('prints the report from the CLI', () => {
    const text = execFileSync('node', ['bin/txbot.mjs', 'data', 'inspect', join(dir!, 'nq_5min_firstrate_sample_2023-11-19_2023-12-04_ET.csv')], {
      encoding: 'utf8',
    });
    expect(text).toContain('bars: 2943 of 2943 rows');
    expect(text).toContain('range: 2023-11-19T18:00:00-05:00 -> 2023-12-04T16:55:00-05:00');
  });
});
