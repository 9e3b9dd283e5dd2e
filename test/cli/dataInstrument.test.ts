// Issue 13 defect 7: the instrument comes from the data file's symbol (or is required), never MNQ for an ES file; summaries and report headers state it.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseDataInstrument } from '../../src/cli/dataInstrument.ts';
import { symbolFromFileName } from '../../src/data/index.ts';
import { instrumentOf, loadConfig, validateConfig, type LoadedConfig } from '../../src/config/index.ts';
import { barsToCsv } from '../../src/data/index.ts';
import { sliceBarSeries } from '../../src/domain/bar.ts';
import { regimeModelToJson } from '../../src/regime/index.ts';
import { syntheticSetup } from '../support/backtestFixtures.ts';
import { runCli } from '../support/cliHarness.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();
const loadedWith = (raw: unknown): LoadedConfig => ({ config: validateConfig(raw, 'test'), sourcePath: null, baseDir: '.' });

describe('instrument of a data file', () => {
  it('reads the root symbol from the shared data file names and from contract names', () => {
    expect(symbolFromFileName('../shared/data/es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz')).toBe('ES');
    expect(symbolFromFileName('nq_5min_firstrate_sample_2023-11-19_2023-12-04_ET.csv')).toBe('NQ');
    expect(symbolFromFileName('mgc_5min_databento_unadj_2020-12-20_2025-12-19_ET.csv.gz')).toBe('MGC');
    expect(symbolFromFileName('/x/MNQH26-5m.csv')).toBe('MNQ');
    expect(symbolFromFileName('mes.csv')).toBe('MES');
    expect(symbolFromFileName('bars.csv')).toBeNull();
    expect(symbolFromFileName('ndx_daily_yahoo_NDX_2015-01-02_2025-12-30.csv')).toBeNull();
  });

  it('trades ES bars as MES by default, refuses MNQ for an ES file, requires the instrument for an unknown file', () => {
    const es = '../shared/data/es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz';
    expect(chooseDataInstrument(loadedWith({}), es)).toMatchObject({ symbol: 'MES', fileSymbol: 'ES' });
    expect(chooseDataInstrument(loadedWith({}), 'mgc_5min.csv.gz').symbol).toBe('MGC');
    expect(() => chooseDataInstrument(loadedWith({ backtest: { instrument: 'MNQ' } }), es)).toThrow(
      `backtest.instrument MNQ contradicts ${es}: the file holds ES bars; use MES or auto`,
    );
    expect(() => chooseDataInstrument(loadedWith({}), es, { symbol: 'MGC', option: '--symbol' })).toThrow(/^--symbol MGC contradicts/);
    expect(() => chooseDataInstrument(loadedWith({}), es, { symbol: 'MGC', option: '--instrument' })).toThrow(/^--instrument MGC contradicts/);
    expect(chooseDataInstrument(loadedWith({ backtest: { instrument: 'MES' } }), es).symbol).toBe('MES');
    expect(() => chooseDataInstrument(loadedWith({}), 'bars.csv')).toThrow(
      'cannot tell the instrument of bars.csv from its name; set backtest.instrument (one of MNQ, MES, M2K, MGC) in the config or TXBOT__BACKTEST__INSTRUMENT',
    );
    expect(chooseDataInstrument(loadedWith({ backtest: { instrument: 'M2K' } }), 'bars.csv').symbol).toBe('M2K');
  });

  it('txbot backtest on an ES-named file prices it as MES and says so in the summary, the printout and the report header', async () => {
    const { test, model } = syntheticSetup();
    const data = tmp.file('es_synthetic.csv', barsToCsv(sliceBarSeries(test, 0, 10 * 78)));
    const modelFile = tmp.file('model.json', regimeModelToJson(model));
    const cfg = tmp.file('cfg.yaml', 'filters:\n  vix: { enabled: false }\n  news: { calendar_tiers: [] }\n');
    const out = join(tmp.dir, 'es-out');
    const r = await runCli(['backtest', '--data', data, '--model', modelFile, '--config', cfg, '--out', out], {
      env: { TXBOT__BACKTEST__INSTRUMENT: undefined },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('instrument: MES (from the file name: ES bars traded as the micro MES)');
    expect(r.stdout).toMatch(/backtest MES /);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).instrument).toBe('MES');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<h1>txbot backtest: MES</h1>');
    const unknown = tmp.file('bars.csv', barsToCsv(sliceBarSeries(test, 0, 78)));
    const bad = await runCli(['backtest', '--data', unknown, '--model', modelFile, '--config', cfg, '--out', join(tmp.dir, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/cannot tell the instrument of .*bars\.csv from its name/);
  });

  it('paper and live sessions (no data file) use the one enabled instrument, and refuse auto when several are enabled', () => {
    const config = loadConfig({ cwd: tmp.dir, env: {} }).config;
    expect(config.backtest.instrument).toBe('auto');
    expect(instrumentOf(config).symbol).toBe('MNQ');
    const two = { ...config, instruments: config.instruments.map((i) => ({ ...i, enabled: i.symbol === 'MNQ' || i.symbol === 'MES' })) };
    expect(() => instrumentOf(two)).toThrow('backtest.instrument is auto and there is no data file to read the instrument from');
  });
});
