// Tests of config loading: defaults, config.yaml in sync, env overrides, and a clear message for each bad config.

import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { loadConfig, validateConfig, configSchema } from '../../src/config/index.ts';
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

describe('config defaults', () => {
  it('config.yaml states every key with exactly the embedded default', () => {
    const raw = parse(readFileSync('config.yaml', 'utf8'));
    const defaults = configSchema.parse({});
    expect(raw).toEqual(defaults);
  });

  it('loads embedded defaults when there is no config file', () => {
    const loaded = loadConfig({ cwd: tmp.dir, env: {} });
    expect(loaded.sourcePath).toBeNull();
    expect(loaded.config.hmm.n_states).toBe(5);
    expect(loaded.config.session.flat_time).toBe('15:10');
  });

  it('applies TXBOT__SECTION__KEY overrides parsed as YAML', () => {
    const loaded = loadConfig({
      cwd: tmp.dir,
      env: { TXBOT__RISK__DAILY_LOSS_LIMIT: '800', TXBOT__HMM__COVARIANCE: 'full', TXBOT__RISK__CONFIDENCE_SIZING__ENABLED: 'false' },
    });
    expect(loaded.config.risk.daily_loss_limit).toBe(800);
    expect(loaded.config.hmm.covariance).toBe('full');
    expect(loaded.config.risk.confidence_sizing.enabled).toBe(false);
  });

  it('switches the shared state and the leader timing by environment (TXBOT__STATE__KIND=redis ...)', () => {
    const loaded = loadConfig({
      cwd: tmp.dir,
      env: {
        TXBOT__STATE__KIND: 'redis',
        TXBOT__STATE__URL: 'rediss://redis.example:6380',
        TXBOT__STATE__KEY_PREFIX: 'txbot-50123',
        TXBOT__LEADER__TTL_MS: '5000',
      },
    });
    expect(loaded.config.state).toEqual({
      kind: 'redis',
      url: 'rediss://redis.example:6380',
      key_prefix: 'txbot-50123',
      allow_insecure: false,
      model_sync_url: null,
    });
    expect(loaded.config.leader).toEqual({ ttl_ms: 5000, renew_ms: 3000, poll_ms: 1500, margin_ms: 1000 });
  });

  it('reports a bad env override like a bad file value', () => {
    expect(() => loadConfig({ cwd: tmp.dir, env: { TXBOT__HMM__N_STATES: '6' } })).toThrow(ConfigError);
  });
});

describe('bad configs each give a clear message', () => {
  const cases: [string, unknown, string][] = [
    ['n_states not 5 or 7', { hmm: { n_states: 6 } }, 'hmm.n_states: Invalid option: expected one of 5|7 (got 6)'],
    ['unknown covariance', { hmm: { covariance: 'spherical' } }, 'hmm.covariance: Invalid option: expected one of "diag"|"full" (got "spherical")'],
    ['n_iter zero', { hmm: { n_iter: 0 } }, 'hmm.n_iter: Too small: expected number to be >=1 (got 0)'],
    ['tol negative', { hmm: { tol: -1 } }, 'hmm.tol: Too small: expected number to be >0 (got -1)'],
    ['unknown feature', { hmm: { features: ['log_return', 'rsi'] } }, 'hmm.features.1: Invalid option'],
    ['features without log_return', { hmm: { features: ['log_range'] } }, 'hmm.features: must include log_return'],
    ['feature twice', { hmm: { features: ['log_return', 'log_return'] } }, 'hmm.features: lists a feature twice'],
    ['bad clock time', { session: { flat_time: '25:10' } }, 'session.flat_time: must be a clock time "HH:MM" (00:00-23:59) (got "25:10")'],
    ['unknown time zone', { session: { timezone: 'Europe/Paris' } }, 'session.timezone: Invalid option'],
    ['typo key', { risk: { max_los_limit: 2000 } }, 'risk.max_los_limit: unknown key'],
    ['unknown section', { riks: {} }, 'riks: unknown key'],
    [
      'string where number',
      { risk: { account_size: 'fifty' } },
      'risk.account_size: Invalid input: expected "plan" or expected number, received string (got "fifty")',
    ],
    ['negative MLL', { risk: { max_loss_limit: -2000 } }, 'risk.max_loss_limit: Too small: expected number to be >0 (got -2000)'],
    ['daily limit above MLL', { risk: { daily_loss_limit: 5000 } }, 'risk.daily_loss_limit: must not exceed risk.max_loss_limit 2000 (got 5000)'],
    ['more contracts than the Combine plan', { risk: { max_contracts_minis: 6 } }, 'risk.max_contracts_minis: the 50K plan allows 5 minis (got 6)'],
    [
      'fractional contracts',
      { risk: { max_contracts_minis: 2.5 } },
      'risk.max_contracts_minis: Invalid input: expected "plan" or expected int, received number (got 2.5)',
    ],
    [
      'confidence threshold above 1',
      { risk: { confidence_sizing: { threshold: 1.5 } } },
      'risk.confidence_sizing.threshold: Too big: expected number to be <=1 (got 1.5)',
    ],
    [
      'VIX tiers descending',
      {
        filters: {
          vix: {
            tiers: [
              { below: 30, multiplier: 1 },
              { below: 20, multiplier: 0.5 },
              { below: null, multiplier: 0 },
            ],
          },
        },
      },
      'filters.vix.tiers.1.below: tiers must ascend (got 20 after 30)',
    ],
    ['VIX tiers bounded', { filters: { vix: { tiers: [{ below: 20, multiplier: 1 }] } } }, 'filters.vix.tiers: the last tier must have below: null'],
    ['VIX multiplier above 1', { filters: { vix: { tiers: [{ below: null, multiplier: 2 }] } } }, 'filters.vix.tiers.0.multiplier: Too big'],
    [
      'entry window reversed',
      { filters: { session_windows: { entry_start: '15:00', entry_cutoff: '10:00' } } },
      'filters.session_windows.entry_cutoff: must be after entry_start 15:00 (got 10:00)',
    ],
    ['7 states with a missing table entry', { hmm: { n_states: 7 }, stops: { SOFT_BULL: undefined } }, 'stops.SOFT_BULL: missing; hmm.n_states is 7'],
    ['unknown regime in a table', { stops: { MOON: 10 } }, 'stops.MOON: unknown key'],
    ['stop over 1000 ticks', { stops: { BULL: 5000 } }, 'stops.BULL: Too big: expected number to be <=1000 (got 5000)'],
    ['unknown target kind', { targets: { BULL: { kind: 'moon', value: 1 } } }, 'targets.BULL.kind: Invalid option'],
    [
      'short regime with a long rule',
      { regime_action: { BEAR: { direction: 'short', entry_rule: 'pullback_to_vwap', base_size: 1, max_trades_per_session: 1 } } },
      'regime_action.BEAR.entry_rule: pullback_to_vwap enters long but direction is short',
    ],
    [
      'flat regime with a rule',
      { regime_action: { NEUTRAL: { direction: 'flat', entry_rule: 'fade_bands', base_size: 1, max_trades_per_session: 1 } } },
      'regime_action.NEUTRAL.entry_rule: must be none when direction is flat',
    ],
    ['regime action missing field', { regime_action: { BULL: { direction: 'long' } } }, 'regime_action.BULL.entry_rule: required, expected one of'],
    [
      'backtest instrument unknown',
      { backtest: { instrument: 'ZZZ' } },
      'backtest.instrument: not in instruments (got ZZZ; have MNQ, MES, M2K, MGC)',
    ],
    [
      'duplicate instrument',
      {
        instruments: [
          { symbol: 'MNQ', tick_size: 0.25, tick_value: 0.5, commission_per_side: 0.37 },
          { symbol: 'MNQ', tick_size: 0.25, tick_value: 0.5, commission_per_side: 0.37 },
        ],
      },
      'instruments.1.symbol: listed twice (got MNQ)',
    ],
    [
      'lower-case symbol',
      { instruments: [{ symbol: 'mnq', tick_size: 0.25, tick_value: 0.5, commission_per_side: 0.37 }] },
      'instruments.0.symbol: must be an upper-case root symbol like MNQ (got "mnq")',
    ],
    [
      'zero tick size',
      { instruments: [{ symbol: 'MNQ', tick_size: 0, tick_value: 0.5, commission_per_side: 0.37 }] },
      'instruments.0.tick_size: Too small',
    ],
    ['empty instruments', { instruments: [] }, 'instruments: Too small'],
    [
      'telegram without chat',
      { monitoring: { telegram: { enabled: true } } },
      'monitoring.telegram.chat_id: required when telegram is enabled (got null)',
    ],
    ['postgres without url', { journal: { kind: 'postgres' } }, 'journal.postgres_url: required when journal.kind is postgres (got null)'],
    ['bad projectx url', { projectx: { api_url: 'not a url' } }, 'projectx.api_url: Invalid URL (got "not a url")'],
    ['data policy unknown', { data: { policy: 'lenient' } }, 'data.policy: Invalid option'],
    [
      'labels not a permutation',
      { state_labels: { five: ['BULL', 'BULL', 'NEUTRAL', 'BEAR', 'CRASH'] } },
      'state_labels.five: each of STRONG_BULL, BULL, NEUTRAL, BEAR, CRASH exactly once',
    ],
    ['section is not a mapping', { hmm: 5 }, 'hmm: Invalid input: expected object, received number (got 5)'],
  ];

  it.each(cases)('%s', (_name, raw, expected) => {
    const problems = problemsOf(raw);
    expect(
      problems.some((p) => p.startsWith(expected) || p.includes(expected)),
      `problems were:\n${problems.join('\n')}`,
    ).toBe(true);
  });

  it('lists every problem at once', () => {
    expect(problemsOf({ hmm: { n_states: 6, covariance: 'x' }, risk: { max_loss_limit: -1 } })).toHaveLength(3);
  });
});

describe('txbot config check', () => {
  it('prints OK and exits 0 for the shipped config', () => {
    expect(execFileSync('node', ['bin/txbot.mjs', 'config', 'check', 'config.yaml'], { encoding: 'utf8' })).toMatch(/^OK: .*config\.yaml is valid/);
  });

  it('exits 2 with every problem and no stack trace', () => {
    const f = tmp.file('bad.yaml', 'hmm:\n  n_states: 6\nrisk:\n  max_loss_limit: -5\n');
    const r = spawnSync('node', ['bin/txbot.mjs', 'config', 'check', f], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('hmm.n_states: Invalid option: expected one of 5|7 (got 6)');
    expect(r.stderr).toContain('risk.max_loss_limit: Too small: expected number to be >0 (got -5)');
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('names line and column of a YAML syntax error', () => {
    const f = tmp.file('syntax.yaml', 'hmm:\n  n_states: [5\n');
    const r = spawnSync('node', ['bin/txbot.mjs', 'config', 'check', f], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/line \d+ column \d+/);
  });

  it('reports a missing config file clearly', () => {
    const r = spawnSync('node', ['bin/txbot.mjs', 'config', 'check', '/nope/config.yaml'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('/nope/config.yaml: config file not found');
  });
});
