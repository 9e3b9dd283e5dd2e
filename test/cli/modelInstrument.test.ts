// Issue 14 item 5: a model records the instrument it is for (train, retrain); backtest, drift and retrain
// refuse a model or a model store of another instrument; retrain and drift take --symbol / --instrument.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { barsToCsv, DEFAULT_DYNAMICS, generateSyntheticBars } from '../../src/data/index.ts';
import { allocateBarSeries, sliceBarSeries, type BarSeries } from '../../src/domain/bar.ts';
import { regimeModelFromJson, regimeModelToJson, runRetrain } from '../../src/regime/index.ts';
import { LocalModelStore } from '../../src/state/index.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';
import { runCli } from '../support/cliHarness.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();
const env = { TXBOT__BACKTEST__INSTRUMENT: undefined, TXBOT__HMM__RESTARTS: '1', TXBOT__HMM__N_ITER: '60' };
const cfg = tmp.file('cfg.yaml', 'filters:\n  vix: { enabled: false }\n  news: { calendar_tiers: [] }\n');

/** 40 days of one dynamics then 20 with 80% higher volatility: a retrain on them swaps. */
function shiftedBars(): BarSeries {
  const a = generateSyntheticBars({ seed: 1, days: 40, meanRegimeBars: 10 }).series;
  const b = generateSyntheticBars({
    seed: 7,
    days: 20,
    meanRegimeBars: 10,
    startDate: '2024-03-01',
    dynamics: DEFAULT_DYNAMICS.map((d) => ({ ...d, volPerBar: d.volPerBar * 1.8 })),
  }).series;
  const all = allocateBarSeries(a.length + b.length);
  for (const k of ['tsMs', 'open', 'high', 'low', 'close', 'volume'] as const) {
    all[k].set(a[k], 0);
    all[k].set(b[k], a.length);
  }
  return all;
}

describe('the instrument a model is for', () => {
  it('is written and read back when set, absent (same bytes as before) when not, and validated', () => {
    const { model } = syntheticSetup();
    const plain = regimeModelToJson(model);
    expect(plain).not.toContain('"symbol"');
    expect(regimeModelFromJson(plain, 'm.json').symbol).toBeUndefined();
    const mes = regimeModelToJson({ ...model, symbol: 'MES' });
    expect(JSON.parse(mes).symbol).toBe('MES');
    expect(regimeModelFromJson(mes, 'm.json').symbol).toBe('MES');
    expect(regimeModelToJson(regimeModelFromJson(mes, 'm.json'))).toBe(mes);
    const bad = mes.replace('"symbol": "MES"', '"symbol": "m es"');
    expect(() => regimeModelFromJson(bad, 'm.json')).toThrow(
      'm.json: symbol must be an instrument root symbol such as "MES" (or absent) (found "m es")',
    );
  });

  it('a retrain keeps the current model’s instrument', () => {
    const series = shiftedBars();
    const { model } = syntheticSetup();
    const o = runRetrain(series, { ...model, symbol: 'M2K' }, testConfig().config, { windowDays: 15, validationDays: 5 });
    expect(o.newModel.symbol).toBe('M2K');
    expect(runRetrain(series, model, testConfig().config, { windowDays: 15, validationDays: 5 }).newModel.symbol).toBeUndefined();
  });

  it('train --instrument records it; backtest and drift refuse the model for another instrument and accept it for its own', async () => {
    const { test } = syntheticSetup();
    const csv = barsToCsv(sliceBarSeries(test, 0, 30 * 78));
    const bars = tmp.file('bars.csv', csv);
    const mgc = tmp.file('mgc_synthetic.csv', csv);
    const es = tmp.file('es_synthetic.csv', csv);
    const model = join(tmp.dir, 'mes.json');
    const t = await runCli(['train', '--data', bars, '--instrument', 'MES', '--config', cfg, '--out', model], { env });
    expect(t.code, t.stderr).toBe(0);
    expect(regimeModelFromJson(readFileSync(model, 'utf8'), model).symbol).toBe('MES');

    const bt = await runCli(['backtest', '--data', mgc, '--model', model, '--config', cfg, '--out', join(tmp.dir, 'bt-mgc')], { env });
    expect(bt.code).toBe(3);
    expect(bt.stderr).toContain(`${model}: the model was trained for MES, not MGC`);
    expect(bt.stderr).toContain('txbot train --data FILE --instrument MGC');
    const port = await runCli(['backtest', '--data', `MGC=${bars}`, '--model', `MGC=${model}`, '--config', cfg, '--out', join(tmp.dir, 'port')], {
      env,
    });
    expect(port.code).toBe(3);
    expect(port.stderr).toContain(`${model}: the model was trained for MES, not MGC`);
    const drift = await runCli(['drift', '--data', bars, '--symbol', 'MGC', '--model', model, '--config', cfg], { env });
    expect(drift.code).toBe(3);
    expect(drift.stderr).toContain(`${model}: the model was trained for MES, not MGC`);

    const ok = await runCli(['drift', '--data', bars, '--instrument', 'MES', '--model', model, '--config', cfg], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('instrument: MES (--instrument MES)');
    // ES bars are MES's bars: an MES model serves an ES-named file
    const esRun = await runCli(['drift', '--data', es, '--model', model, '--config', cfg], { env });
    expect(esRun.code, esRun.stderr).toBe(0);
  });

  it('retrain --symbol: the store is per instrument (its models record it; another instrument’s store or model is refused)', async () => {
    const data = tmp.file('shift.csv', barsToCsv(shiftedBars()));
    const start = join(tmp.dir, 'start.json');
    const t = await runCli(['train', '--data', data, '--symbol', 'MES', '--to', '2024-02-26', '--config', cfg, '--out', start], { env });
    expect(t.code, t.stderr).toBe(0);
    const plain = regimeModelFromJson(readFileSync(start, 'utf8'), start);
    const unmarked = tmp.file('unmarked.json', regimeModelToJson({ ...plain, symbol: undefined }));

    const store = join(tmp.dir, 'store-mes');
    const args = ['--window-days', '15', '--validation-days', '5', '--config', cfg, '--out', store];
    const r = await runCli(['retrain', '--data', data, '--symbol', 'MES', '--model', unmarked, ...args], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('decision: SWAPPED');
    const s = await LocalModelStore.open(store);
    const versions = await s.versions();
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    for (const v of versions) expect(regimeModelFromJson(readFileSync(v.location, 'utf8'), v.location).symbol).toBe('MES');

    const wrongModel = await runCli(['retrain', '--data', data, '--symbol', 'MGC', '--model', start, ...args], { env });
    expect(wrongModel.code).toBe(3);
    expect(wrongModel.stderr).toContain(`${start}: the model was trained for MES, not MGC`);
    const wrongStore = await runCli(['retrain', '--data', data, '--instrument', 'M2K', '--model', unmarked, ...args], { env });
    expect(wrongStore.code).toBe(3);
    expect(wrongStore.stderr).toContain(`${store}: the model store holds MES models (current version 2), not M2K`);
    expect(wrongStore.stderr).toContain('--out models/m2k');
    expect((await s.versions()).length).toBe(2);
  }, 60_000);
});
