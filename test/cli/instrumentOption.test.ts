// `--instrument SYM` (alias `--symbol`) sets the instrument of a single-file run on backtest, replay,
// walkforward, train and optimize; contradictions with the file name are usage errors naming the option.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { barsToCsv } from '../../src/data/index.ts';
import { sliceBarSeries } from '../../src/domain/bar.ts';
import { regimeModelToJson } from '../../src/regime/index.ts';
import { syntheticSetup } from '../support/backtestFixtures.ts';
import { runCli } from '../support/cliHarness.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();
const env = { TXBOT__BACKTEST__INSTRUMENT: undefined };

function inputs(): { bars: string; es: string; model: string; cfg: string } {
  const { test, model } = syntheticSetup();
  const csv = barsToCsv(sliceBarSeries(test, 0, 10 * 78));
  return {
    bars: tmp.file('bars.csv', csv),
    es: tmp.file('es_synthetic.csv', csv),
    model: tmp.file('model.json', regimeModelToJson(model)),
    cfg: tmp.file(
      'cfg.yaml',
      'filters:\n  vix: { enabled: false }\n  news: { calendar_tiers: [] }\noptimize:\n  space:\n    stops.NEUTRAL: { min: 20, max: 40, step: 10 }\n',
    ),
  };
}

describe('--instrument on single-file runs', () => {
  it('backtest --instrument M2K prices an unnamed file as M2K; --symbol is the same option', async () => {
    const f = inputs();
    for (const opt of ['--instrument', '--symbol']) {
      const out = join(tmp.dir, `bt${opt}`);
      const r = await runCli(['backtest', '--data', f.bars, opt, 'M2K', '--model', f.model, '--config', f.cfg, '--out', out], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`instrument: M2K (${opt} M2K)`);
      expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).instrument).toBe('M2K');
    }
  });

  it('backtest on an ES file: --instrument MES is accepted, --instrument MNQ is refused naming the option', async () => {
    const f = inputs();
    const ok = await runCli(
      ['backtest', '--data', f.es, '--instrument', 'MES', '--model', f.model, '--config', f.cfg, '--out', join(tmp.dir, 'mes')],
      {
        env,
      },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('instrument: MES (--instrument MES)');
    const bad = await runCli(
      ['backtest', '--data', f.es, '--instrument', 'MNQ', '--model', f.model, '--config', f.cfg, '--out', join(tmp.dir, 'mnq')],
      {
        env,
      },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--instrument MNQ contradicts ${f.es}: the file holds ES bars; use MES or auto`);
    const unknown = await runCli(
      ['backtest', '--data', f.bars, '--instrument', 'ZZ', '--model', f.model, '--config', f.cfg, '--out', join(tmp.dir, 'zz')],
      {
        env,
      },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--instrument ZZ: not a configured instrument (instruments: MNQ, MES, M2K, MGC)');
  });

  it('refuses --instrument and --symbol naming different instruments, and --instrument with --data SYM=FILE', async () => {
    const f = inputs();
    const both = await runCli(
      ['backtest', '--data', f.bars, '--instrument', 'MES', '--symbol', 'MGC', '--model', f.model, '--config', f.cfg, '--out', join(tmp.dir, 'b')],
      { env },
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--instrument MES and --symbol MGC contradict each other');
    const portfolio = await runCli(
      ['backtest', '--data', `MES=${f.bars}`, '--instrument', 'MES', '--model', `MES=${f.model}`, '--config', f.cfg, '--out', join(tmp.dir, 'p')],
      { env },
    );
    expect(portfolio.code).toBe(2);
    expect(portfolio.stderr).toContain('--instrument sets the instrument of one --data FILE; with --data SYM=FILE each file names its own');
  });

  it.each([
    ['replay', ['--model']],
    ['walkforward', []],
    ['train', []],
    ['optimize', []],
    ['backtest', ['--retrain', '--model']],
  ])('%s --instrument MGC on an ES file is refused naming the option', async (command, extra) => {
    const f = inputs();
    const more = extra.flatMap((o) => (o === '--model' ? ['--model', f.model] : [o]));
    const out = join(tmp.dir, `${command}-${extra.length}${command === 'train' ? '.json' : ''}`);
    const r = await runCli([command, '--data', f.es, '--instrument', 'MGC', ...more, '--config', f.cfg, '--out', out], { env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`--instrument MGC contradicts ${f.es}: the file holds ES bars; use MES or auto`);
  });

  it('train --instrument M2K on an unnamed file trains for M2K', async () => {
    const f = inputs();
    const out = join(tmp.dir, 'm2k.json');
    const r = await runCli(['train', '--data', f.bars, '--instrument', 'M2K', '--config', f.cfg, '--out', out], {
      env: { ...env, TXBOT__HMM__RESTARTS: '1', TXBOT__HMM__N_ITER: '20' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('instrument: M2K (--instrument M2K)');
  });
});
