// Optimization driver on the local backend: finds each window's known best, is deterministic, tests the
// selection out of sample, reports failures, honours the grid policy; and the optimize config section.

import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { ConfigError } from '../../src/domain/errors.ts';
import { createLocalBackend } from '../../src/optimize/backends/localBackend.ts';
import type { SweepProgress } from '../../src/optimize/backends/trialBackend.ts';
import { parseOptimizeSettings } from '../../src/optimize/optimizeConfig.ts';
import { runOptimization, sweepIdOf } from '../../src/optimize/optimizer.ts';
import { BEST } from './support/toyTrials.ts';
import { TOY_GRID, TOY_SHA, toySettings, toySpec } from './support/toySpec.ts';

const here = createLocalBackend({ jobs: 1, datasets: { [TOY_SHA]: null } });
afterAll(() => here.close());

describe('runOptimization', () => {
  it('finds each window’s known best with TPE, then runs it once on the test days', async () => {
    const progress: SweepProgress[] = [];
    const summary = await runOptimization(toySpec(toySettings({ trials: 40 })), here, (p) => progress.push(p));
    expect(summary.windows).toHaveLength(2);
    for (const w of summary.windows) {
      expect(w.trials).toHaveLength(40);
      expect(Math.abs((w.best!.params.x as number) - (BEST.x + 0.05 * w.windowIndex))).toBeLessThan(0.15);
      expect(Math.abs((w.best!.params.y as number) - BEST.y)).toBeLessThan(0.15);
      expect(w.outOfSample).toMatchObject({ status: 'completed', pointer: `toy/w${w.windowIndex}/test`, params: w.best!.params });
      expect(w.degradation.inSample).toBe(w.best!.objective);
      expect(w.degradation.outOfSample).toBe(w.outOfSample!.objective);
      expect(w.pbo).not.toBeNull();
      expect(w.pbo!.partitions).toBe(8);
      expect(w.deflatedSharpe!.trials).toBe(40);
    }
    expect(summary.aggregate).toMatchObject({ windows: 2, trials: 80, completed: 80, failed: 0 });
    expect(progress.at(-1)).toEqual({ done: 82, total: 82, failed: 0 });
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
  });

  it('is deterministic for a seed, and the seed matters', async () => {
    const a = JSON.stringify(await runOptimization(toySpec(toySettings({ trials: 12 })), here));
    expect(JSON.stringify(await runOptimization(toySpec(toySettings({ trials: 12 })), here))).toBe(a);
    expect(JSON.stringify(await runOptimization(toySpec(toySettings({ trials: 12, seed: 4 })), here))).not.toBe(a);
  });

  it('reports failed trials with their attempts and reason, never drops them', async () => {
    const settings = toySettings({ space: TOY_GRID, sampler: { kind: 'grid' }, trials: 10, batchSize: 10 });
    const summary = await runOptimization(toySpec(settings, { failX: 0.2 }), here);
    for (const w of summary.windows) {
      expect(w.trials.map((t) => t.params.x)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
      expect(w.trials[2]).toMatchObject({ status: 'failed', attempts: 2, reason: 'Error: toy failure at x=0.2', objective: null, metrics: null });
      expect(w.trials.filter((t) => t.status === 'completed')).toHaveLength(5);
    }
    expect(summary.aggregate).toMatchObject({ trials: 12, completed: 10, failed: 2 });
  });

  it('refuses a grid larger than the trial budget', async () => {
    const settings = toySettings({ space: TOY_GRID, sampler: { kind: 'grid' }, trials: 5, batchSize: 5 });
    await expect(runOptimization(toySpec(settings), here)).rejects.toThrow(/the grid has 6 points but only 5 trials/);
  });

  it('stops a window early when its space is exhausted (no trial runs twice)', async () => {
    const settings = toySettings({ space: TOY_GRID, sampler: { kind: 'random' }, trials: 20, batchSize: 20 });
    const summary = await runOptimization(toySpec(settings, {}, 1), here);
    const xs = summary.windows[0]!.trials.map((t) => t.params.x);
    expect(new Set(xs).size).toBe(xs.length);
    expect(xs.length).toBeLessThanOrEqual(6);
  });

  it('derives a sweep id from what decides the trials, not from the module path or retries', () => {
    const spec = toySpec(toySettings());
    expect(sweepIdOf(spec)).toBe(sweepIdOf({ ...spec, trial: { ...spec.trial, module: '/elsewhere/toyTrials.ts' } }));
    expect(sweepIdOf(spec)).toBe(sweepIdOf({ ...spec, settings: { ...spec.settings, retry: { attempts: 9, backoffMs: 1 } } }));
    expect(sweepIdOf(spec)).not.toBe(sweepIdOf({ ...spec, dataSha256: 'f'.repeat(64) }));
    expect(sweepIdOf(spec)).not.toBe(sweepIdOf(toySpec(toySettings({ seed: 99 }))));
  });
});

describe('parseOptimizeSettings', () => {
  const base = parseConfig({});

  it('reads the section with defaults and validates the space against the config', () => {
    const s = parseOptimizeSettings({ space: { 'entries.min_reward_risk': { min: 0.5, max: 3 } }, trials: 50, tpe: { batch_size: 2 } }, base);
    expect(s).toMatchObject({ trials: 50, seed: 1, batchSize: 2, retry: { attempts: 3, backoffMs: 1000 }, pboPartitions: 16 });
    expect(s.sampler).toEqual({ kind: 'tpe', nStartup: 10, gamma: 0.25, nCandidates: 24, priorWeight: 1 });
    expect(s.objective).toEqual({ kind: 'net_pnl', min_trades: 0 });
  });

  it('names every bad key under optimize.', () => {
    try {
      parseOptimizeSettings({ sampler: 'anneal', tpe: { gamma: 1.5 }, pbo_partitions: 7 }, base);
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^optimize\.sampler: /m);
      expect(problems).toMatch(/^optimize\.tpe\.gamma: /m);
      expect(problems).toMatch(/^optimize\.pbo_partitions: must be even/m);
    }
    expect(() => parseOptimizeSettings({ space: { 'stops.NOPE': [1] } }, base)).toThrow(ConfigError);
  });
});
