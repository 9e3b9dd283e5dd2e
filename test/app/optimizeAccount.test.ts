// The continuous out-of-sample account of `txbot optimize`: its first window is that window's test trial (fresh
// account, chosen parameters, model trained with them), each window trades with its own chosen parameters, and a
// window without a choice does not trade.

import { describe, expect, it } from 'vitest';
import { optimizedAccount } from '../../src/app/optimizeAccount.ts';
import { backtestTrial } from '../../src/app/optimizeTrial.ts';
import { rollingWindows } from '../../src/backtest/walkForwardPlan.ts';
import { loadConfig } from '../../src/config/index.ts';
import { instrumentConfig } from '../../src/config/instrument.ts';
import { barsToCsv, generateSyntheticBars, loadBars } from '../../src/data/index.ts';
import { tradingDatesOf } from '../../src/data/tradingDates.ts';
import type { JsonValue, Params } from '../../src/optimize/types.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();

async function setup() {
  const file = tmp.file('mnq_account.csv', barsToCsv(generateSyntheticBars({ seed: 21, days: 45 }).series));
  const cfg = tmp.file(
    'cfg.yaml',
    'hmm: { n_iter: 15, restarts: 1 }\nfilters: { vix: { enabled: false }, news: { high_impact_times_et: [], calendar_tiers: [] } }\n',
  );
  const loaded = loadConfig({ file: cfg });
  const own = instrumentConfig(loaded.config, 'MNQ').data;
  const data = { file, timezone: own.timezone, policy: own.policy, barMinutes: own.bar_minutes };
  const series = (await loadBars(file, data)).series;
  const windows = rollingWindows(tradingDatesOf(series), 20, 10, 10);
  const context = { config: loaded.config, baseDir: loaded.baseDir, symbol: 'MNQ', windows } as unknown as JsonValue;
  const trial = async (windowIndex: number, params: Params) =>
    (await backtestTrial({ windowIndex, params, seed: 1, segment: 'test' }, { dataSha256: 'x', data: data as unknown as JsonValue, context }))
      .metrics;
  const account = (chosen: (Params | null)[], spaceKeys: string[] = ['stops.NEUTRAL']) =>
    optimizedAccount({ loaded, symbol: 'MNQ', series, dataSha256: 'x', windows, chosen, spaceKeys });
  return { windows, trial, account };
}

describe('optimizedAccount', () => {
  it('starts as the first window test trial, trades each window with its own choice, skips windows without one', async () => {
    const s = await setup();
    expect(s.windows.length).toBeGreaterThanOrEqual(2);
    const tight: Params = { 'stops.NEUTRAL': 20, 'entries.min_reward_risk': 0.5 };
    const wide: Params = { 'stops.NEUTRAL': 60, 'entries.min_reward_risk': 1 };
    const only0 = s.account([tight, ...s.windows.slice(1).map(() => null)]);
    const t0 = await s.trial(0, tight);
    expect(only0.netPnl).toBeCloseTo(t0.netPnl, 2);
    expect(only0.method).toMatch(/windows without chosen parameters do not trade: 1/);
    // Window 1 with its own choice: the account adds that window's trial (no limit binds on this data).
    const mixed = s.account([tight, wide, ...s.windows.slice(2).map(() => null)]);
    const same = s.account([tight, tight, ...s.windows.slice(2).map(() => null)]);
    const t1wide = await s.trial(1, wide);
    const t1tight = await s.trial(1, tight);
    expect(t1wide.netPnl).not.toBeCloseTo(t1tight.netPnl, 2);
    expect(mixed.breach).toBeNull();
    expect(mixed.netPnl).toBeCloseTo(t0.netPnl + t1wide.netPnl, 2);
    expect(same.netPnl).toBeCloseTo(t0.netPnl + t1tight.netPnl, 2);
    expect(mixed.method).toMatch(/each with the parameters chosen on its training days/);
  }, 120_000);

  it('names searched account rules (risk.*) as the base config on the one account', async () => {
    const s = await setup();
    const a = s.account(
      s.windows.map(() => ({ 'risk.max_trades_per_day': 2 })),
      ['risk.max_trades_per_day'],
    );
    expect(a.method).toMatch(/the searched account rules risk\.max_trades_per_day are the base config's on this account/);
  }, 120_000);
});
