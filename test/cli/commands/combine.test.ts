// `txbot combine --from DIR` reads the account the run traded from its summary.json (issue 13, defect 4).

import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBacktestJob } from '../../../src/backtest/backtestJob.ts';
import { buildRunContext } from '../../../src/app/runContext.ts';
import { runCli } from '../../support/cliHarness.ts';
import { syntheticSetup, testConfig } from '../../support/backtestFixtures.ts';
import { useTempDir } from '../../support/tmp.ts';

const tmp = useTempDir();

describe('txbot combine --from', () => {
  it('uses the run folder’s 50K account even when the current config says 150K', async () => {
    const { test, model } = syntheticSetup();
    const dir = join(tmp.dir, 'bt');
    const ctx = buildRunContext(testConfig(), 'backtest');
    const { summary } = runBacktestJob(ctx, { series: test, dataLabel: 'synthetic', model, outDir: dir });
    expect(summary.accountRules).toMatchObject({ accountSize: 50_000, startingBalance: 50_000, maxLossLimit: 2_000, profitTarget: 3_000 });
    const r = await runCli(['combine', '--from', dir, '--simulations', '500'], { env: { TXBOT__RISK__PLAN: '150K' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Combine 50K');
    // a first day of -$99,934 (150K start against a 50K equity curve) would breach every simulation
    expect(r.stdout).not.toMatch(/breach 100\.0%/);
    // the folder gives the same odds as the run's own summary (same sample, rules, simulations and seed)
    const c = summary.combine!;
    const again = await runCli(['combine', '--from', dir, '--simulations', String(c.simulations), '--seed', String(c.seed)]);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    expect(again.stdout).toContain(
      `pass probability ${pct(c.passProbability)}, breach ${pct(c.breachProbability)}, stall ${pct(c.stallProbability)}, unresolved ${pct(c.unresolvedProbability)}`,
    );
    expect(again.stdout).toContain(`method: ${c.method}`);
  });

  it('refuses a folder whose summary.json does not record its account, naming the key', async () => {
    const dir = join(tmp.dir, 'bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ startingBalance: 50_000 }));
    writeFileSync(join(dir, 'equity.csv'), 'time,equity\n');
    const r = await runCli(['combine', '--from', dir]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('accountRules');
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
