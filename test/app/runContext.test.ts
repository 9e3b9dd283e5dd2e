// The composition root: seams chosen from config kinds, unbuilt kinds and replaced keys refused with a
// message, plug-in failures counted and forwarded with the plug-in's name and the fallback used.

import { describe, expect, it } from 'vitest';
import { buildRunContext } from '../../src/app/runContext.ts';
import { validateConfig } from '../../src/config/index.ts';
import { type ConfigError } from '../../src/domain/errors.ts';
import { runBacktest } from '../../src/backtest/runner.ts';
import { runBacktestJob, pluginWarnings } from '../../src/backtest/backtestJob.ts';
import { RegimeDetector } from '../../src/regime/index.ts';
import { NEUTRAL_SENTIMENT } from '../../src/strategy/filters/index.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';

describe('buildRunContext', () => {
  it('builds the configured seams: fixed or retraining regime source, rules policy, neutral sentiment', () => {
    const { model, series } = syntheticSetup();
    const ctx = buildRunContext(testConfig(), 'backtest');
    expect(ctx.policy).toBeNull();
    expect(ctx.market.sentiment).toBe(NEUTRAL_SENTIMENT);
    expect(ctx.market.sentimentSource).toBe('none');
    expect(ctx.regimeSource(model, series).kind).toBe('fixed');
    const retraining = buildRunContext(testConfig({ regime_source: { kind: 'retraining' } }), 'backtest');
    expect(retraining.regimeSource(model, series).kind).toBe('retraining');
    const opts = ctx.engineOptions({ regime: new RegimeDetector(model), risk: ctx.createRisk(), idPrefix: 'x' });
    expect(opts.instrument.symbol).toBe('MNQ');
    expect(opts.filterSettings).toBe(ctx.market.filterSettings);
    expect(ctx.createRisk().balanceUsd).toBe(ctx.startingBalanceUsd);
  });

  it('config check refuses a seam kind that is not built, and replaced keys name their successor', () => {
    // rl is built: the config is valid; a missing or bad policy file is refused when the run is built, naming the key.
    expect(validateConfig({ decision_policy: { kind: 'rl', policy: 'p.json' } }, 'cfg').decision_policy.kind).toBe('rl');
    expect(() => buildRunContext(testConfig({ decision_policy: { kind: 'rl', policy: 'no-such-policy.json' } }), 'backtest')).toThrow(
      /decision_policy\.policy: cannot read/,
    );
    // state.kind redis is built (shared risk state + leader lease): accepted with its defaults.
    const redis = validateConfig({ state: { kind: 'redis', url: 'redis://127.0.0.1:6379' } }, 'cfg');
    expect(redis.state).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379', key_prefix: 'txbot', allow_insecure: false, model_sync_url: null });
    try {
      validateConfig({ leader: { ttl_ms: 2000, renew_ms: 1500, margin_ms: 600 } }, 'cfg');
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).problems.join('\n')).toMatch(/leader\.renew_ms: must be below leader\.ttl_ms − leader\.margin_ms = 1400/);
    }
    for (const [raw, successor] of [
      [{ use_rl_agent: true }, 'decision_policy'],
      [{ redis_url: 'redis://x' }, 'state'],
      [{ retrain: { enabled: true } }, 'regime_source'],
    ] as const) {
      try {
        validateConfig(raw, 'cfg');
        expect.unreachable();
      } catch (e) {
        expect((e as ConfigError).problems.join('\n')).toContain(`replaced by ${successor}`);
      }
    }
  });

  it('counts a failing plug-in, tells listeners its name and the fallback, and puts it in the report warnings', () => {
    const { model, test } = syntheticSetup();
    const ctx = buildRunContext(testConfig(), 'backtest');
    const heard: string[] = [];
    ctx.onPluginFailure((e) => heard.push(`${e.plugin} -> ${e.fallback}`));
    const throwing = {
      scoreAt: (): number => {
        throw new Error('vendor down');
      },
    };
    runBacktest({
      ...ctx.engineOptions({ regime: new RegimeDetector(model), risk: ctx.createRisk(), idPrefix: 'p' }),
      sentiment: throwing,
      series: test,
      slippageTicks: 1,
    });
    const f = ctx.pluginFailures.get('sentiment_score');
    expect(f?.count).toBeGreaterThan(10);
    expect(f?.fallback).toBe('neutral sentiment (0)');
    expect(f?.firstMessage).toMatch(/sentiment_score: threw: vendor down/);
    expect(heard[0]).toBe('sentiment_score -> neutral sentiment (0)');
    expect(heard.length).toBe(f!.count);
    expect(pluginWarnings(ctx)[0]).toMatch(/^plug-in sentiment_score failed \d+ time\(s\); neutral sentiment \(0\) was used instead/);
    // No failure, no warning.
    const clean = buildRunContext(testConfig(), 'backtest');
    runBacktestJob(clean, { series: test, dataLabel: 'synthetic', model, outDir: null });
    expect(pluginWarnings(clean)).toEqual([]);
  });
});
