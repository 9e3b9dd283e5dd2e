// Issue 13 (smaller): zero-volume data no longer gives 0 trades silently; the loader and the decisions say why.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { barsToCsv, loadBars } from '../../src/data/index.ts';
import { generateSyntheticBars } from '../../src/data/synthetic.ts';
import { regimeModelToJson } from '../../src/regime/index.ts';
import { syntheticSetup } from '../support/backtestFixtures.ts';
import { runCli } from '../support/cliHarness.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();

describe('zero-volume bars', () => {
  it('loadBars warns when most bars have no volume, not when they have it', async () => {
    const s = generateSyntheticBars({ seed: 3, days: 2 }).series;
    const ok = await loadBars(tmp.file('mnq_ok.csv', barsToCsv(s)));
    expect(ok.warnings.filter((w) => w.includes('volume'))).toEqual([]);
    const zero = { ...s, volume: new Float64Array(s.length) };
    const r = await loadBars(tmp.file('mnq_zero.csv', barsToCsv(zero)));
    expect(r.warnings).toContain(
      `${r.file}: ${s.length} of ${s.length} bars have zero or no volume: the session VWAP and its bands are volume-weighted, so they stay flat (σ 0) and no VWAP entry can fire (decisions say VWAP_NOT_READY, a backtest makes 0 trades); use bars with volume`,
    );
  });

  it('txbot backtest prints the reason with its 0 trades', async () => {
    const { test, model } = syntheticSetup();
    const zero = { ...test, volume: new Float64Array(test.length) };
    const data = tmp.file('mnq_zero_bt.csv', barsToCsv(zero));
    const modelFile = tmp.file('model.json', regimeModelToJson(model));
    const r = await runCli(['backtest', '--data', data, '--model', modelFile, '--out', join(tmp.dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/trades 0,/);
    expect(r.stderr).toMatch(/bars have zero or no volume: .* no VWAP entry can fire/);
  });
});
