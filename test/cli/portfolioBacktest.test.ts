// `txbot backtest --data SYM=FILE --data SYM=FILE` as a user runs it: option errors, a synthetic two-
// instrument run, and MES + MGC on the overlapping real data when ../shared/data is present (with
// `txbot replay` of the same inputs, byte for byte).

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barsToCsv, generateCorrelatedBars, sharedDataFile } from '../../src/data/index.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();
const txbot = (args: string[]) => spawnSync(process.execPath, ['bin/txbot.mjs', ...args], { encoding: 'utf8' });

describe('txbot backtest with several instruments', () => {
  it('refuses unclear option combinations with a usage error', () => {
    expect(txbot(['backtest', '--data', 'a.csv', '--data', 'b.csv', '--train', '--out', join(tmp.dir, 'x')]).stderr).toMatch(
      /--data: with several values each must be SYM=FILE/,
    );
    const r = txbot(['backtest', '--data', 'MNQ=a.csv', '--data', 'XYZ=b.csv', '--train', '--out', join(tmp.dir, 'x')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/XYZ|no such file|not configured/);
    expect(txbot(['backtest', '--data', 'MNQ=a.csv', '--data', 'MES=b.csv', '--out', join(tmp.dir, 'x')]).stderr).toMatch(
      /give --model SYM=FILE for MNQ, MES, or --train/,
    );
  });

  it('trades two synthetic instruments on one account and writes the portfolio outputs', () => {
    const { bySymbol } = generateCorrelatedBars({
      seed: 4,
      days: 30,
      correlation: 0.6,
      instruments: [
        { symbol: 'MNQ', startPrice: 16_000, tickSize: 0.25 },
        { symbol: 'MES', startPrice: 4_500, tickSize: 0.25 },
      ],
    });
    const files = [...bySymbol].map(([s, series]) => tmp.file(`${s}.csv`, barsToCsv(series)));
    const out = join(tmp.dir, 'pf');
    const r = txbot(['backtest', '--data', `MNQ=${files[0]}`, '--data', `MES=${files[1]}`, '--train', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/instrument\s+trades/);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      symbols: string[];
      inSample: boolean;
      bySymbol: Record<string, unknown>;
    };
    expect(s.symbols).toEqual(['MNQ', 'MES']);
    expect(s.inSample).toBe(true);
    expect(Object.keys(s.bySymbol)).toEqual(['MNQ', 'MES']);
    expect(existsSync(join(out, 'model-MNQ.json')) && existsSync(join(out, 'model-MES.json'))).toBe(true);
  });

  const es = sharedDataFile('es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz');
  const mgc = sharedDataFile('mgc_5min_databento_unadj_2020-12-20_2025-12-19_ET.csv.gz');
  const rolls = sharedDataFile('mgc_rolls_databento_2020-12-21_2025-12-19.csv');
  it.skipIf(!es || !mgc || !rolls)(
    'MES + MGC on the overlapping real data: models trained on 2021, traded out of sample 2022-01..2023-03 (MGC back-adjusted); replay equals it',
    () => {
      const models = ['MES', 'MGC'].map((s) => {
        const f = join(tmp.dir, `${s}.json`);
        execFileSync(
          process.execPath,
          [
            'bin/txbot.mjs',
            'train',
            '--data',
            s === 'MES' ? es! : mgc!,
            '--symbol',
            s,
            ...(s === 'MGC' ? ['--rolls', rolls!] : []),
            '--from',
            '2021-01-01',
            '--to',
            '2021-12-31',
            '--out',
            f,
          ],
          { encoding: 'utf8' },
        );
        return f;
      });
      const out = join(tmp.dir, 'real');
      const args = [
        '--data',
        `MES=${es}`,
        '--data',
        `MGC=${mgc}`,
        '--model',
        `MES=${models[0]}`,
        '--model',
        `MGC=${models[1]}`,
        '--from',
        '2022-01-01',
        '--to',
        '2023-03-24',
      ];
      const r = txbot(['backtest', ...args, '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      // The live path (simulator, socket, bar feed, live runner, journal) writes the same files byte for byte.
      const rp = txbot(['replay', ...args, '--out', join(tmp.dir, 'real-replay')]);
      expect(rp.status, rp.stderr).toBe(0);
      for (const f of ['trades.csv', 'equity.csv', 'decisions.jsonl', 'summary.json'])
        expect(readFileSync(join(tmp.dir, 'real-replay', f), 'utf8'), f).toBe(readFileSync(join(out, f), 'utf8'));
      const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
        inSample: boolean;
        bySymbol: Record<string, { trades: number }>;
        trades: number;
      };
      expect(s.inSample).toBe(false);
      expect(s.bySymbol.MES!.trades).toBeGreaterThan(10);
      expect(s.bySymbol.MGC!.trades).toBeGreaterThan(10);
      // Gold trades its own session: every MGC exit is by 13:30 ET.
      const mgcExits = readFileSync(join(out, 'trades.csv'), 'utf8')
        .split('\n')
        .filter((l) => l.includes(',MGC,'))
        .map((l) => l.split(',')[1]!.slice(11, 16));
      expect(mgcExits.every((t) => t <= '13:30')).toBe(true);
    },
    240_000,
  );

  const nq = sharedDataFile('nq_5min_unknownvendor_sample_2023-01-02_2023-02-22_ET.csv');
  it.skipIf(!es || !nq)(
    'MES + MNQ on the NQ sample window (in-sample, flagged): both trade; replay equals it byte for byte',
    () => {
      const args = ['--data', `MES=${es}`, '--data', `MNQ=${nq}`, '--from', '2023-01-02', '--to', '2023-02-22'];
      const bt = join(tmp.dir, 'mes-mnq');
      const r = txbot(['backtest', ...args, '--train', '--out', bt]);
      expect(r.status, r.stderr).toBe(0);
      const s = JSON.parse(readFileSync(join(bt, 'summary.json'), 'utf8')) as {
        inSample: boolean;
        symbols: string[];
        bySymbol: Record<string, { trades: number }>;
      };
      expect(s.inSample).toBe(true);
      expect(s.symbols).toEqual(['MNQ', 'MES']);
      expect(s.bySymbol.MNQ!.trades).toBeGreaterThan(10);
      expect(s.bySymbol.MES!.trades).toBeGreaterThan(10);
      const rp = txbot(['replay', ...args, '--out', join(tmp.dir, 'mes-mnq-replay')]);
      expect(rp.status, rp.stderr).toBe(0);
      for (const f of ['trades.csv', 'equity.csv', 'decisions.jsonl', 'summary.json'])
        expect(readFileSync(join(tmp.dir, 'mes-mnq-replay', f), 'utf8'), f).toBe(readFileSync(join(bt, f), 'utf8'));
    },
    120_000,
  );
});
