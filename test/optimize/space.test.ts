// Parameter space: dotted keys must exist in the config schema and every candidate must pass it; applyParams re-validates.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { ConfigError } from '../../src/domain/errors.ts';
import { applyParams, dimensionValues, gridSize, parseSpace } from '../../src/optimize/space.ts';

const base = parseConfig({});

function problemsOf(raw: unknown): string[] {
  try {
    parseSpace(raw, base);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseSpace', () => {
  it('reads ranges, integer ranges and choices for real config keys, in the given order', () => {
    const space = parseSpace(
      {
        'stops.STRONG_BULL': { min: 30, max: 90, step: 10, int: true },
        'entries.min_reward_risk': { min: 0.5, max: 3 },
        'hmm.n_states': [5, 7],
        'vwap.band_multipliers': [
          [1, 2],
          [1.5, 3],
        ],
        'hmm.tol': { min: 0.001, max: 0.1, log: true },
        'regime_size_multipliers.BULL': { min: 0, max: 1, step: 0.1 },
      },
      base,
    );
    expect(space.dimensions.map((d) => [d.key, d.kind])).toEqual([
      ['stops.STRONG_BULL', 'int'],
      ['entries.min_reward_risk', 'float'],
      ['hmm.n_states', 'choice'],
      ['vwap.band_multipliers', 'choice'],
      ['hmm.tol', 'float'],
      ['regime_size_multipliers.BULL', 'float'],
    ]);
    expect(dimensionValues(space.dimensions[0]!)).toEqual([30, 40, 50, 60, 70, 80, 90]);
    expect(dimensionValues(space.dimensions[5]!)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(dimensionValues(space.dimensions[1]!)).toBeNull();
    expect(gridSize(space)).toBeNull();
  });

  it('names an unknown key and lists the keys of its section', () => {
    const [p] = problemsOf({ 'stops.STRONGBULL': { min: 10, max: 20, int: true } });
    expect(p).toMatch(/^optimize\.space\.stops\.STRONGBULL: no key `STRONGBULL` in `stops` \(it has: STRONG_BULL, BULL/);
    expect(problemsOf({ 'hmmm.n_states': [5] })[0]).toMatch(/no key `hmmm` in the config/);
  });

  it('refuses sub-keys of a list value', () => {
    expect(problemsOf({ 'vwap.band_multipliers.0': [1, 2] })[0]).toMatch(/`vwap.band_multipliers` is a array value, not a section/);
  });

  it('rejects a choice the schema refuses, saying which value and why', () => {
    const problems = problemsOf({
      'hmm.n_states': [5, 6, 7],
      'vwap.band_multipliers': [
        [1, 2],
        [1, -2],
      ],
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^optimize\.space\.hmm\.n_states: 6 is not accepted by the config: hmm\.n_states: .*expected one of 5\|7/);
    expect(problems[1]).toMatch(/^optimize\.space\.vwap\.band_multipliers: .* not accepted .*band_multipliers\.1: Too small/);
  });

  it('rejects a range whose end leaves the schema bounds', () => {
    const [p] = problemsOf({ 'entries.min_reward_risk': { min: 0.5, max: 25 } });
    expect(p).toMatch(/^optimize\.space\.entries\.min_reward_risk: 25 is not accepted .*expected number to be <=20/);
  });

  it('tells a float range on an integer key to add int: true', () => {
    const [p] = problemsOf({ 'stops.BULL': { min: 30, max: 90 } });
    expect(p).toMatch(/expected int.*add `int: true`/);
  });

  it('checks range shape: min below max, log needs min > 0, no step with log, integer bounds for int', () => {
    expect(problemsOf({ 'entries.min_reward_risk': { min: 3, max: 1 } })[0]).toMatch(/min must be below max \(got min 3, max 1\)/);
    expect(problemsOf({ 'entries.min_reward_risk': { min: 0, max: 1, log: true } })[0]).toMatch(/a log range needs min > 0/);
    expect(problemsOf({ 'hmm.tol': { min: 0.01, max: 1, log: true, step: 0.1 } })[0]).toMatch(/step and log cannot be combined/);
    expect(problemsOf({ 'stops.BULL': { min: 30.5, max: 90, int: true } })[0]).toMatch(/integer min and max/);
    expect(problemsOf({ 'entries.min_reward_risk': { min: 0, max: 1, step: 2 } })[0]).toMatch(/step 2 exceeds the range/);
  });

  it('rejects duplicate choices, overlapping keys, unknown range fields and an empty space', () => {
    expect(problemsOf({ 'hmm.n_states': [5, 5] })[0]).toMatch(/choice 5 is listed twice/);
    expect(problemsOf({ vwap: [{ entry_band_sigma: 2 }], 'vwap.entry_band_sigma': [1] }).some((p) => /overlaps optimize\.space\.vwap/.test(p))).toBe(
      true,
    );
    expect(problemsOf({ 'hmm.tol': { min: 0.1, max: 1, lg: true } })[0]).toMatch(/^optimize\.space\.hmm\.tol/);
    expect(problemsOf({})[0]).toMatch(/no parameters to optimize/);
  });
});

describe('applyParams', () => {
  it('deep-sets dotted keys into a copy and returns a validated config', () => {
    const out = applyParams(base, { 'stops.STRONG_BULL': 70, 'vwap.band_multipliers': [1.5, 3], 'hmm.n_states': 7 });
    expect(out.stops.STRONG_BULL).toBe(70);
    expect(out.vwap.band_multipliers).toEqual([1.5, 3]);
    expect(out.hmm.n_states).toBe(7);
    expect(applyParams(base, { 'targets.BULL': { kind: 'r_multiple', value: 2 } }).targets.BULL).toEqual({ kind: 'r_multiple', value: 2 });
    expect(base.stops.STRONG_BULL).toBe(60);
  });

  it('throws ConfigError naming the parameters when the result is invalid', () => {
    expect(() => applyParams(base, { 'stops.STRONG_BULL': 0 })).toThrow(ConfigError);
    expect(() => applyParams(base, { 'stops.STRONG_BULL': 0 })).toThrow(/parameters \{"stops.STRONG_BULL":0\} give an invalid config/);
    expect(() => applyParams(base, { 'nope.key': 1 })).toThrow(/not a config key/);
  });
});
