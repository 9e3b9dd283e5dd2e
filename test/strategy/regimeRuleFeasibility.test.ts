// Issue 13 defect 11: the default regime tables pass their own min_reward_risk filter on typical volatility; config check warns when a rule cannot.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { validateConfig } from '../../src/config/index.ts';
import { regimeRuleWarnings } from '../../src/strategy/signalGenerator/feasibility.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();
/** The target table before issue 13 (±1σ bands for the trend regimes). */
const OLD_TARGETS = {
  STRONG_BULL: { kind: 'r_multiple', value: 2 },
  BULL: { kind: 'band', value: 1 },
  SOFT_BULL: { kind: 'band', value: 1 },
  NEUTRAL: { kind: 'vwap', value: 0 },
  SOFT_BEAR: { kind: 'band', value: -1 },
  BEAR: { kind: 'band', value: -1 },
  CRASH: { kind: 'vwap', value: 0 },
};

describe('regime rules against their own filters', () => {
  it('the defaults are consistent for 5 and 7 states on every configured instrument', () => {
    expect(regimeRuleWarnings(validateConfig({}, 'test'))).toEqual([]);
    expect(regimeRuleWarnings(validateConfig({ hmm: { n_states: 7 } }, 'test'))).toEqual([]);
  });

  it('flags the old ±1σ band targets against 50-tick stops on MES (ES median σ 6.37 points)', () => {
    const old = validateConfig({ targets: OLD_TARGETS }, 'test');
    const w = regimeRuleWarnings(old);
    expect(w).toContain(
      'targets.BULL: on MES a pullback_to_vwap long at VWAP to band +1σ gains about 6.37 points at typical volatility (σ 6.37), below entries.min_reward_risk 1 × stop 50 ticks (12.50 points): BULL would rarely or never trade',
    );
    expect(w.some((x) => x.startsWith('targets.BEAR: on MES a rally_to_vwap short'))).toBe(true);
    // NQ's σ (37 points) is wide enough: MNQ is not flagged
    expect(w.some((x) => x.includes('on MNQ'))).toBe(false);
    // no minimum reward: nothing to flag on volatility
    expect(regimeRuleWarnings({ ...old, entries: { ...old.entries, min_reward_risk: 0 } })).toEqual([]);
  });

  it('flags rules that can never trade whatever the volatility', () => {
    const c = validateConfig(
      {
        targets: {
          ...OLD_TARGETS,
          BULL: { kind: 'vwap', value: 0 },
          STRONG_BULL: { kind: 'r_multiple', value: 0.5 },
          BEAR: { kind: 'r_multiple', value: 1 },
        },
      },
      'test',
    );
    expect(regimeRuleWarnings(c)).toEqual([
      'targets.STRONG_BULL: r_multiple 0.5 is below entries.min_reward_risk 1: STRONG_BULL can never trade (got 0.5)',
      'targets.BULL: the VWAP is not beyond a pullback_to_vwap long at VWAP: BULL can never trade (got vwap 0)',
    ]);
  });

  it('config check prints each warning on its own line and still exits 0', () => {
    const f = tmp.file('tables.yaml', `targets: ${JSON.stringify(OLD_TARGETS)}\n`);
    const r = spawnSync('node', ['bin/txbot.mjs', 'config', 'check', f], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^OK: /);
    expect(r.stderr).toMatch(/^warning: targets\.BULL: on MES a pullback_to_vwap long at VWAP to band \+1σ gains about 6\.37 points/m);
  });
});
