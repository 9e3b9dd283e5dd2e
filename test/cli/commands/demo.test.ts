// `txbot demo --portfolio` as a user runs it: two instruments on one account, a model per instrument
// trained on earlier days only; synthetic MNQ + M2K without ../shared/data, real MES + MGC with it.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataFile } from '../../../src/data/index.ts';
import { useTempDir } from '../../support/tmp.ts';

const tmp = useTempDir();
const demo = (out: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['bin/txbot.mjs', 'demo', '--portfolio', '--out', out], { encoding: 'utf8', env: { ...process.env, ...env } });

interface Summary {
  symbols: string[];
  inSample: boolean;
  trades: number;
  bySymbol: Record<string, { trades: number }>;
}

describe('txbot demo --portfolio', () => {
  it('without ../shared/data: synthetic MNQ + M2K on one account, out of sample, both instruments trade', () => {
    const empty = join(tmp.dir, 'no-data');
    mkdirSync(empty);
    const out = join(tmp.dir, 'synthetic');
    const r = demo(out, { TXBOT_SHARED_DATA: empty });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/correlated synthetic generator \(seed 42, MNQ \+ M2K/);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(s.symbols).toEqual(['MNQ', 'M2K']);
    expect(s.inSample).toBe(false);
    expect(s.bySymbol.MNQ!.trades).toBeGreaterThan(0);
    expect(s.bySymbol.M2K!.trades).toBeGreaterThan(0);
    for (const f of ['model-MNQ.json', 'model-M2K.json', 'trades.csv', 'equity.csv', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
    // Deterministic: the same command writes the same bytes.
    const again = join(tmp.dir, 'synthetic-again');
    expect(demo(again, { TXBOT_SHARED_DATA: empty }).status).toBe(0);
    for (const f of ['summary.json', 'trades.csv', 'equity.csv'])
      expect(readFileSync(join(again, f), 'utf8'), f).toBe(readFileSync(join(out, f), 'utf8'));
  }, 120_000);

  const real =
    sharedDataFile('es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz') &&
    sharedDataFile('mgc_5min_databento_unadj_2020-12-20_2025-12-19_ET.csv.gz');
  it.skipIf(!real)(
    'with ../shared/data: MES + MGC (MGC back-adjusted), trained on 2021, traded 2022-01..2023-03',
    () => {
      const out = join(tmp.dir, 'real');
      const r = demo(out);
      expect(r.status, r.stderr).toBe(0);
      const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary & { from: string };
      expect(s.symbols).toEqual(['MES', 'MGC']);
      expect(s.inSample).toBe(false);
      expect(s.from.slice(0, 7)).toBe('2022-01');
      expect(r.stdout).toMatch(/^MGC\s+\d+/m);
    },
    120_000,
  );
});
