// TradingEnv: the Gymnasium contract (shapes, seeds, masks, termination at the session end and on a breach, truncation) and trade-for-trade equality with the backtest runner.

import { describe, expect, it } from 'vitest';
import { buildRunContext } from '../../src/app/runContext.ts';
import { runBacktest } from '../../src/backtest/runner.ts';
import { driveSync } from '../../src/engine/drive.ts';
import { EngineSession } from '../../src/engine/session.ts';
import { SimBroker } from '../../src/broker/sim/simBroker.ts';
import { barAt } from '../../src/domain/bar.ts';
import { createRng } from '../../src/domain/random.ts';
import { sessionInfo } from '../../src/domain/session.ts';
import { RegimeDetector } from '../../src/regime/index.ts';
import { EXTERNAL_POLICY, TradingEnv, type TradingEnvOptions } from '../../src/rl/env.ts';
import { OBSERVATION_SIZE } from '../../src/rl/observation.ts';
import { ActionPolicy } from '../../src/rl/rlPolicy.ts';
import { ACTION_COUNT } from '../../src/rl/tradingActions.ts';
import type { Env } from '../../src/rl/envTypes.ts';
import { syntheticSetup, testConfig } from '../support/backtestFixtures.ts';

const { test: bars, model } = syntheticSetup();
const from = bars.tsMs[0]!;
const to = bars.tsMs[bars.length - 1]! + 1;

function makeEnv(overrides: Record<string, unknown> = {}, o: Partial<TradingEnvOptions> = {}): TradingEnv {
  const ctx = buildRunContext(testConfig(overrides), 'backtest');
  return new TradingEnv(ctx, { series: bars, fromMs: from, toMs: to, model, ...o });
}

/** A seeded random policy over the allowed actions that mostly stays put (so positions last a few bars). */
function randomChooser(seed: number): (mask: Uint8Array) => number {
  const rng = createRng(seed);
  return (mask) => {
    if (rng.next() < 0.7) return mask[1] || mask[2] || mask[3] || mask[4] ? (rng.next() < 0.5 ? 0 : firstAllowed(mask)) : 0;
    const allowed = [...mask.keys()].filter((a) => mask[a] === 1);
    return allowed[rng.int(allowed.length)]!;
  };
}
const firstAllowed = (mask: Uint8Array): number => [1, 2, 3, 4].find((a) => mask[a] === 1) ?? 0;

function runEpisode(env: Env, choose: (mask: Uint8Array) => number, seed?: number) {
  const [obs0, info0] = env.reset(seed);
  const observations = [Array.from(obs0)];
  const rewards: number[] = [];
  const actions: number[] = [];
  for (;;) {
    const mask = env.actionMask()!;
    const a = choose(mask);
    actions.push(a);
    const [obs, reward, terminated, truncated, info] = env.step(a);
    observations.push(Array.from(obs));
    rewards.push(reward);
    if (terminated || truncated) return { observations, rewards, actions, terminated, truncated, info, info0 };
  }
}

describe('TradingEnv contract', () => {
  it('reset and step return Gymnasium shapes; flat is always allowed; a masked action is refused', () => {
    const env = makeEnv();
    expect(env.observationSpace.shape).toEqual([OBSERVATION_SIZE]);
    expect(env.actionSpace.n).toBe(ACTION_COUNT);
    const [obs, info] = env.reset(3);
    expect(obs).toBeInstanceOf(Float64Array);
    expect(obs.length).toBe(OBSERVATION_SIZE);
    expect(typeof info['tradingDate']).toBe('string');
    const mask = env.actionMask()!;
    expect(mask.length).toBe(ACTION_COUNT);
    expect(mask[0]).toBe(1);
    const r = env.step(0);
    expect(r).toHaveLength(5);
    expect(typeof r[1]).toBe('number');
    // Flat, so only entries may be masked; in a position the other side is masked.
    let masked = -1;
    for (let i = 0; i < 200 && masked < 0; i++) {
      const m = env.actionMask()!;
      const enter = firstAllowed(m);
      const [, , term, trunc] = env.step(enter);
      if (term || trunc) env.reset();
      const m2 = env.actionMask()!;
      if (m2[1] === 1 && m2[3] === 0) masked = 3;
      else if (m2[3] === 1 && m2[1] === 0) masked = 1;
    }
    expect(masked).toBeGreaterThan(0);
    expect(() => env.step(masked)).toThrow(/masked/);
  });

  it('same seed, same episode (observations, rewards); another seed starts on another day', () => {
    const a = runEpisode(makeEnv(), randomChooser(5), 11);
    const b = runEpisode(makeEnv(), randomChooser(5), 11);
    expect(b).toEqual(a);
    const days = new Set<string>();
    const env = makeEnv();
    for (const seed of [1, 2, 3, 4, 5]) days.add(String(env.reset(seed)[1]['tradingDate']));
    expect(days.size).toBeGreaterThan(1);
  });

  it('a one-day episode terminates at the session end, flat, on the day it started', () => {
    const env = makeEnv();
    const ep = runEpisode(env, randomChooser(2), 8);
    expect(ep.terminated).toBe(true);
    expect(ep.truncated).toBe(false);
    expect(ep.info['tradingDate']).toBe(ep.info0['tradingDate']);
    const s = env.currentSession!;
    expect(s.broker.position).toBeNull();
    for (const t of s.record.trades) expect(t.exitReason).not.toBe('end_of_data');
    // Decided bars stop before the session end: no step happens at or after it.
    expect(ep.actions.length).toBeLessThan(80);
  });

  it('maxSteps truncates; running out of data truncates a multi-day episode', () => {
    const env = makeEnv({}, { maxSteps: 5 });
    const ep = runEpisode(env, () => 0, 1);
    expect(ep.truncated).toBe(true);
    expect(ep.terminated).toBe(false);
    expect(ep.actions.length).toBe(5);
    const long = makeEnv({}, { episodeDays: 10 });
    const last = long.dayCount - 3;
    long.reset(undefined, { day: last });
    let r;
    do r = long.step(0);
    while (!r[2] && !r[3]);
    expect(r[3]).toBe(true);
  });

  it('terminates on a daily-loss-limit breach (huge slippage pushes a stop-out past the limit)', () => {
    const env = makeEnv({ backtest: { slippage_ticks: 400 }, risk: { daily_loss_limit: 400, max_loss_limit: 2000 } });
    let breached: unknown = null;
    for (let seed = 0; seed < 40 && !breached; seed++) {
      const ep = runEpisode(env, (m) => firstAllowed(m), seed);
      if (ep.terminated && ep.info['breach']) breached = ep.info['breach'];
    }
    expect(breached).toBe('DAILY_LOSS_LIMIT');
  });

  it('the rewards of an episode sum to its net P&L over the daily loss limit minus the proximity penalties (mark-to-market)', () => {
    const env = makeEnv({ rl: { reward: 'mark_to_market', dll_penalty: 0 } });
    const ep = runEpisode(env, randomChooser(4), 21);
    const net = env.currentSession!.record.trades.reduce((s, t) => s + t.netPnlUsd, 0);
    expect(ep.rewards.reduce((a, b) => a + b, 0)).toBeCloseTo(net / 1000, 9);
    const realized = makeEnv({ rl: { dll_penalty: 0 } });
    const ep2 = runEpisode(realized, randomChooser(4), 21);
    const net2 = realized.currentSession!.record.trades.reduce((s, t) => s + t.netPnlUsd, 0);
    expect(ep2.rewards.reduce((a, b) => a + b, 0)).toBeCloseTo(net2 / 1000, 9);
  });
});

describe('TradingEnv = the backtest', () => {
  it('an episode over the whole range with scripted actions equals runBacktest with the same decisions, trade for trade', () => {
    const env = makeEnv({}, { episodeDays: Number.POSITIVE_INFINITY, warmupDays: 0 });
    const ep = runEpisode(env, randomChooser(9), 1);
    expect(ep.terminated).toBe(true);
    const envTrades = env.currentSession!.record.trades;
    expect(envTrades.length).toBeGreaterThan(20);
    expect(envTrades.some((t) => t.exitReason === 'policy_exit')).toBe(true);
    const loaded = testConfig();
    const ctx = buildRunContext(loaded, 'backtest');
    let i = 0;
    const scripted = new ActionPolicy('script', loaded.config, () => ep.actions[i++]!);
    const run = runBacktest({
      ...ctx.engineOptions({ regime: new RegimeDetector(model), risk: ctx.createRisk(), idPrefix: 'rl' }),
      policy: scripted,
      series: bars,
      slippageTicks: loaded.config.backtest.slippage_ticks,
    });
    expect(i).toBe(ep.actions.length);
    expect(run.trades).toEqual(envTrades);
    expect(run.days).toEqual(env.currentSession!.record.toResult().days);
  });

  it('driveSync refuses an external policy (only the env answers its questions)', () => {
    const loaded = testConfig();
    const ctx = buildRunContext(loaded, 'backtest');
    const session = new EngineSession({
      ...ctx.engineOptions({ regime: new RegimeDetector(model), risk: ctx.createRisk(), idPrefix: 'x' }),
      policy: EXTERNAL_POLICY,
      broker: new SimBroker({ instrument: ctx.instrument, slippageTicks: 1 }),
    });
    expect(() => {
      for (let k = 0; k < bars.length; k++) driveSync(session.onBar(barAt(bars, k)));
    }).toThrow(/external decision policy/);
    expect(sessionInfo(bars.tsMs[0]!).isRth).toBe(true);
  });
});
