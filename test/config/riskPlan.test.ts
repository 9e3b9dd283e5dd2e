// Issue 13 defect 5: risk.plan ties account size, MLL, daily limit, contract cap and target to Topstep's published plan; contradictions are refused.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { validateConfig } from '../../src/config/index.ts';
import { ConfigError } from '../../src/domain/errors.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();

function problemsOf(raw: unknown): string[] {
  try {
    validateConfig(raw, 'test');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('risk.plan', () => {
  it('fills every key left at plan with the plan published in ../shared/reference/projectx_topstep.md §4.1', () => {
    const pick = (plan: string) => {
      const r = validateConfig({ risk: { plan } }, 'test').risk;
      return [r.account_size, r.max_loss_limit, r.daily_loss_limit, r.max_contracts_minis, r.profit_target];
    };
    expect(pick('50K')).toEqual([50_000, 2_000, 1_000, 5, 3_000]);
    expect(pick('100K')).toEqual([100_000, 3_000, 2_000, 10, 6_000]);
    expect(pick('150K')).toEqual([150_000, 4_500, 3_000, 15, 9_000]);
  });

  it('accepts tighter explicit overrides and null (no personal daily limit)', () => {
    const r = validateConfig(
      { risk: { plan: '150K', max_loss_limit: 3_000, daily_loss_limit: null, max_contracts_minis: 3, profit_target: 10_000 } },
      'test',
    ).risk;
    expect([r.account_size, r.max_loss_limit, r.daily_loss_limit, r.max_contracts_minis, r.profit_target]).toEqual([150_000, 3_000, null, 3, 10_000]);
    // an explicit value equal to the plan's is no contradiction (a resolved config validates again)
    expect(problemsOf({ risk: { plan: '100K', account_size: 100_000, max_loss_limit: 3_000 } })).toEqual([]);
  });

  it('refuses a 150K account with the 50K plan (the default), and every value beyond the plan', () => {
    expect(problemsOf({ risk: { account_size: 150_000 } })).toEqual([
      "risk.account_size: contradicts risk.plan 50K (starting balance 50000); set risk.plan to the plan of this size or use 'plan' (got 150000)",
    ]);
    expect(problemsOf({ risk: { plan: '150K', max_loss_limit: 5_000, max_contracts_minis: 20, profit_target: 3_000 } })).toEqual([
      "risk.max_loss_limit: the 150K plan's Maximum Loss Limit is 4500; a larger one would let the bot break it (got 5000)",
      'risk.max_contracts_minis: the 150K plan allows 15 minis (got 20)',
      "risk.profit_target: the 150K plan's target is 9000; a smaller one would overstate the pass odds (got 3000)",
    ]);
    expect(problemsOf({ risk: { plan: '200K' } })[0]).toMatch(/^risk\.plan: Invalid option: expected one of "50K"\|"100K"\|"150K"/);
  });

  it('config check exits 2 with the contradiction on one line, naming the environment variable that set it', () => {
    const f = tmp.file('plan.yaml', 'risk:\n  account_size: 150000\n');
    const r = spawnSync('node', ['bin/txbot.mjs', 'config', 'check', f], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr + r.stdout).toContain('risk.account_size: contradicts risk.plan 50K (starting balance 50000)');
    expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
    const env = spawnSync('node', [resolve('bin/txbot.mjs'), 'config', 'check'], {
      encoding: 'utf8',
      cwd: tmp.dir,
      env: { ...process.env, TXBOT__RISK__PLAN: '150K', TXBOT__RISK__MAX_LOSS_LIMIT: '6000' },
    });
    expect(env.status).toBe(2);
    expect(env.stderr + env.stdout).toContain('[set by environment variable TXBOT__RISK__MAX_LOSS_LIMIT]');
  });
});
