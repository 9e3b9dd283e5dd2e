// `--rolls FILE` / data.rolls on the CLI: a backtest on unadjusted bars with the roll table equals the
// backtest on the gap-free bars; tables of another instrument, or two for one, are refused.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { barsToCsv, generateSyntheticBars, tradingDateStartMs } from '../../src/data/index.ts';
import { sliceBarSeries, type BarSeries } from '../../src/domain/bar.ts';
import { runCli } from '../support/cliHarness.ts';
import { datasetSha256 } from '../../src/cli/rollTables.ts';
import { fileSha256, parseRollTable, rollTableOf } from '../../src/data/index.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();
const HEADER = 'first_trade_date,from_contract,to_contract,prev_trade_date,compare_minute_et,from_close,to_close,gap_to_minus_from';
const TABLE = `${HEADER}\n2024-01-02,,MESH4,,,,,\n2024-01-22,MESH4,MESM4,2024-01-19,2024-01-19 15:55:00,0,0,4.25\n2024-02-12,MESM4,MESU4,2024-02-09,2024-02-09 15:55:00,0,0,-1.5\n`;

/** 40 synthetic days on the 0.25 grid: the gap-free (back-adjusted) truth. */
function truth(): BarSeries {
  const s = generateSyntheticBars({ seed: 5, days: 40, startDate: '2024-01-02' }).series;
  const q = sliceBarSeries(s, 0, s.length);
  for (const k of ['open', 'high', 'low', 'close'] as const) for (let i = 0; i < q.length; i++) q[k][i] = Math.round(q[k][i]! * 4) / 4;
  return q;
}

/** The same bars as an unadjusted front-month file: before each roll the older contract, lower by the gap (new − old). */
function unadjusted(s: BarSeries): BarSeries {
  const u = sliceBarSeries(s, 0, s.length);
  const r1 = tradingDateStartMs('2024-01-22');
  const r2 = tradingDateStartMs('2024-02-12');
  for (let i = 0; i < u.length; i++) {
    const add = -((u.tsMs[i]! < r1 ? 4.25 : 0) + (u.tsMs[i]! < r2 ? -1.5 : 0));
    for (const k of ['open', 'high', 'low', 'close'] as const) u[k][i] = u[k][i]! + add;
  }
  return u;
}

describe('--rolls and data.rolls', () => {
  it('backtest --rolls on unadjusted bars trades as on the gap-free bars (without it, it does not)', async () => {
    const s = truth();
    const raw = tmp.file('raw.csv', barsToCsv(unadjusted(s)));
    const clean = tmp.file('clean.csv', barsToCsv(s));
    const rolls = tmp.file('mes_rolls.csv', TABLE);
    const cfg = tmp.file('cfg.yaml', 'hmm: { n_iter: 30, restarts: 1 }\nfilters:\n  vix: { enabled: false }\n  news: { calendar_tiers: [] }\n');
    const env = { TXBOT__BACKTEST__INSTRUMENT: undefined };
    const run = (data: string, out: string, more: string[] = []) =>
      runCli(['backtest', '--data', data, '--instrument', 'MES', '--train', '--config', cfg, '--out', join(tmp.dir, out), ...more], { env });
    const a = await run(raw, 'adj', ['--rolls', rolls]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toContain(`back-adjusted with ${rolls}: 2 roll(s) inside the bars; the first bar moved 2.75 points`);
    const b = await run(clean, 'clean');
    expect(b.code, b.stderr).toBe(0);
    const trades = (d: string) => readFileSync(join(tmp.dir, d, 'trades.csv'), 'utf8');
    expect(trades('adj').split('\n').length).toBeGreaterThan(2);
    expect(trades('adj')).toBe(trades('clean'));
    const c = await run(raw, 'raw');
    expect(c.code, c.stderr).toBe(0);
    expect(trades('raw')).not.toBe(trades('clean'));
  });

  it('refuses a --rolls table of another instrument and two tables for one; warns on an unadjusted file without one', async () => {
    const data = tmp.file('mes_unadj_x.csv', barsToCsv(sliceBarSeries(truth(), 0, 5 * 78)));
    const mes = tmp.file('mes_rolls.csv', TABLE);
    const mgc = tmp.file('mgc_rolls.csv', TABLE.replaceAll('MES', 'MGC'));
    const cfg = tmp.file('cfg2.yaml', 'hmm: { n_iter: 30, restarts: 1 }\nfilters:\n  vix: { enabled: false }\n  news: { calendar_tiers: [] }\n');
    const env = { TXBOT__BACKTEST__INSTRUMENT: undefined };
    const base = ['backtest', '--data', data, '--train', '--config', cfg];
    const other = await runCli([...base, '--rolls', mgc, '--out', join(tmp.dir, 'o1')], { env });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`--rolls ${mgc}: the table's contracts are MGC (MGCH4...), but the run trades MES`);
    const two = await runCli([...base, '--rolls', mes, '--rolls', mes, '--out', join(tmp.dir, 'o2')], { env });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain(`--rolls ${mes} and --rolls ${mes}: two roll tables for MES; give one per instrument`);
    const none = await runCli([...base, '--out', join(tmp.dir, 'o3')], { env });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).toContain(`warning: ${data} is unadjusted and no roll table (--rolls FILE or data.rolls) is given for MES`);
    // data.rolls in the config, relative to the config file, applies only to its instrument
    const cfgRolls = tmp.file(
      'cfg3.yaml',
      'hmm: { n_iter: 30, restarts: 1 }\ndata: { rolls: [mes_rolls.csv, mgc_rolls.csv] }\nfilters:\n  vix: { enabled: false }\n  news: { calendar_tiers: [] }\n',
    );
    const fromConfig = await runCli(['backtest', '--data', data, '--train', '--config', cfgRolls, '--out', join(tmp.dir, 'o4')], { env });
    expect(fromConfig.code, fromConfig.stderr).toBe(0);
    expect(fromConfig.stderr).toContain(`back-adjusted with ${mes}: 0 roll(s) inside the bars; the first bar moved 2.75 points`);
  });

  it('optimize names its data set by the bar file and the roll table: a worker adjusting otherwise serves other data', async () => {
    const data = tmp.file('sha.csv', barsToCsv(sliceBarSeries(truth(), 0, 78)));
    const a = tmp.file('a_rolls.csv', TABLE);
    const b = tmp.file('b_rolls.csv', TABLE.replace('4.25', '4.5'));
    const table = (f: string) => rollTableOf(parseRollTable(readFileSync(f, 'utf8'), f), f);
    expect(await datasetSha256(data, null)).toBe(await fileSha256(data));
    const withA = await datasetSha256(data, table(a));
    expect(withA).not.toBe(await fileSha256(data));
    expect(await datasetSha256(data, table(tmp.file('a_copy.csv', TABLE)))).toBe(withA);
    expect(await datasetSha256(data, table(b))).not.toBe(withA);
  });
});
