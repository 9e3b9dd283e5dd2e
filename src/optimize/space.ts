// The parameter space of `optimize.space`: numeric, integer and choice dimensions over dotted config keys,
// each checked against the real config schema, and `applyParams` to turn a parameter set into a config.

import { z } from 'zod';
import { ConfigError } from '../domain/index.ts';
import { validateConfig, describeValue, type Config } from '../config/index.ts';
import { canonicalJson } from './canonicalJson.ts';
import { configKeyProblem, withValuesAt } from './configKey.ts';
import type { JsonValue, ParamValue, Params } from './types.ts';

/** A real-valued range; `log` samples ln(x) uniformly; `step` restricts values to min + k·step. */
export interface FloatDimension {
  readonly kind: 'float';
  readonly key: string;
  readonly min: number;
  readonly max: number;
  readonly log: boolean;
  readonly step: number | null;
}

/** An integer range (`int: true`), step 1 unless given. */
export interface IntDimension {
  readonly kind: 'int';
  readonly key: string;
  readonly min: number;
  readonly max: number;
  readonly log: boolean;
  readonly step: number;
}

/** A list of candidate values: numbers, strings, booleans, lists (band multipliers) or objects (a target spec). */
export interface ChoiceDimension {
  readonly kind: 'choice';
  readonly key: string;
  readonly choices: readonly ParamValue[];
}

export type Dimension = FloatDimension | IntDimension | ChoiceDimension;

/** A validated parameter space; dimensions keep the order of `optimize.space`. */
export interface ParameterSpace {
  readonly dimensions: readonly Dimension[];
}

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);
const choiceValue = z.union([z.number(), z.string(), z.boolean(), z.array(jsonValue), z.record(z.string(), jsonValue)]);
const rangeSchema = z.strictObject({
  min: z.number(),
  max: z.number(),
  step: z.number().positive().optional(),
  log: z.boolean().default(false),
  int: z.boolean().default(false),
});
/** Raw `optimize.space`: dotted config key → range object or list of choices. */
export const spaceSchema = z.record(z.string(), z.union([z.array(choiceValue).min(1), rangeSchema]));

/** Grid points at most checked one by one against the schema; larger grids are checked at the ends and the middle. */
const MAX_CHECKED_POINTS = 256;

/** Rounds away binary noise (0.1 + 0.2) so grid points print and hash as written. */
const tidy = (x: number): number => Number(x.toPrecision(12));

/** The values of a discrete dimension (choices, or every grid point of a stepped range); null for a continuous range. */
export function dimensionValues(dim: Dimension): readonly ParamValue[] | null {
  if (dim.kind === 'choice') return dim.choices;
  if (dim.kind === 'float' && dim.step === null) return null;
  if (dim.log) return null;
  const step = dim.step!;
  const n = Math.floor((dim.max - dim.min) / step + 1e-9);
  return Array.from({ length: n + 1 }, (_, k) => tidy(dim.min + k * step));
}

function rangeProblems(key: string, r: z.output<typeof rangeSchema>): string[] {
  const at = `optimize.space.${key}`;
  const problems: string[] = [];
  if (!Number.isFinite(r.min) || !Number.isFinite(r.max) || !(r.min < r.max))
    problems.push(`${at}: min must be below max (got min ${r.min}, max ${r.max})`);
  if (r.log && !(r.min > 0)) problems.push(`${at}: a log range needs min > 0 (got min ${r.min})`);
  if (r.log && r.step !== undefined) problems.push(`${at}: step and log cannot be combined (list the values as choices instead)`);
  if (r.int && (!Number.isInteger(r.min) || !Number.isInteger(r.max)))
    problems.push(`${at}: an int range needs integer min and max (got ${r.min}, ${r.max})`);
  if (r.int && r.step !== undefined && !Number.isInteger(r.step)) problems.push(`${at}: an int range needs an integer step (got ${r.step})`);
  if (r.step !== undefined && r.step > r.max - r.min) problems.push(`${at}: step ${r.step} exceeds the range ${r.min}..${r.max}`);
  return problems;
}

function toDimension(key: string, raw: z.output<typeof spaceSchema>[string]): Dimension {
  if (Array.isArray(raw)) return { kind: 'choice', key, choices: raw as ParamValue[] };
  const r = raw as z.output<typeof rangeSchema>;
  if (r.int) return { kind: 'int', key, min: r.min, max: r.max, log: r.log, step: r.step ?? 1 };
  return { kind: 'float', key, min: r.min, max: r.max, log: r.log, step: r.step ?? null };
}

/** Values checked against the schema: all choices / grid points (up to 256), else both ends and interior probes. */
function valuesToCheck(dim: Dimension): ParamValue[] {
  const values = dimensionValues(dim);
  if (values && values.length <= MAX_CHECKED_POINTS) return [...values];
  if (values) return [values[0]!, values[Math.floor(values.length / 2)]!, values[values.length - 1]!];
  const d = dim as FloatDimension | IntDimension;
  // Number constraints in the schema are intervals (plus integrality), so the ends and interior points decide them;
  // 0.371 gives a non-integer probe where the midpoint happens to be an integer.
  const probes = [d.min, d.max, d.min + (d.max - d.min) * 0.5, d.min + (d.max - d.min) * 0.371];
  return d.kind === 'int' ? probes.map(Math.round) : probes.map(tidy);
}

function valueProblems(dim: Dimension, base: Config): string[] {
  const problems: string[] = [];
  for (const value of valuesToCheck(dim)) {
    try {
      validateConfig(withValuesAt(base, [[dim.key, value as JsonValue]]), 'optimize.space');
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      const why = e.problems.join('; ');
      const hint = dim.kind === 'float' && /expected int/.test(why) ? ' (the key takes integers: add `int: true`)' : '';
      problems.push(`optimize.space.${dim.key}: ${describeValue(value)} is not accepted by the config: ${why}${hint}`);
    }
  }
  return problems;
}

/**
 * Parses and validates `optimize.space` against the config schema and the cross-field rules, using
 * `base` for every key not being varied. Throws one ConfigError listing every problem as
 * `optimize.space.<key>: what is wrong`.
 */
export function parseSpace(raw: unknown, base: Config): ParameterSpace {
  const parsed = spaceSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `optimize.space${i.path.length ? `.${i.path.map(String).join('.')}` : ''}: ${i.message}`);
    throw new ConfigError(`optimize.space: ${problems.length} problem(s)`, problems, {
      hint: 'entries are {min, max, step?, log?, int?} or a list of choices',
    });
  }
  const keys = Object.keys(parsed.data);
  const problems: string[] = keys.length === 0 ? ['optimize.space: no parameters to optimize'] : [];
  const dimensions: Dimension[] = [];
  for (const key of keys) {
    const at = `optimize.space.${key}`;
    const keyProblem = configKeyProblem(key);
    if (keyProblem) {
      problems.push(`${at}: ${keyProblem}`);
      continue;
    }
    const overlap = keys.find((k) => k !== key && key.startsWith(`${k}.`));
    if (overlap) problems.push(`${at}: overlaps optimize.space.${overlap} (vary a section or its keys, not both)`);
    const raw = parsed.data[key]!;
    if (Array.isArray(raw)) {
      const seen = new Set<string>();
      for (const c of raw) {
        const id = canonicalJson(c as JsonValue);
        if (seen.has(id)) problems.push(`${at}: choice ${id} is listed twice`);
        seen.add(id);
      }
    } else {
      const own = rangeProblems(key, raw);
      problems.push(...own);
      if (own.length) continue;
    }
    const dim = toDimension(key, raw);
    problems.push(...valueProblems(dim, base));
    dimensions.push(dim);
  }
  if (problems.length) throw new ConfigError(`optimize.space: ${problems.length} problem(s)`, problems);
  return { dimensions };
}

/** Number of grid points of the space, or null when a dimension is continuous or log-scaled. */
export function gridSize(space: ParameterSpace): number | null {
  let n = 1;
  for (const dim of space.dimensions) {
    const values = dimensionValues(dim);
    if (!values) return null;
    n *= values.length;
  }
  return n;
}

/**
 * Returns `config` with every parameter deep-set at its dotted key, re-validated (schema and cross-field
 * rules). A combination the rules refuse (each value alone may be fine) throws ConfigError.
 */
export function applyParams(config: Config, params: Params): Config {
  const entries = Object.entries(params).map(([k, v]) => [k, v as JsonValue] as const);
  for (const [key] of entries) {
    const problem = configKeyProblem(key);
    if (problem) throw new ConfigError(`optimize: parameter ${key} is not a config key`, [`${key}: ${problem}`]);
  }
  try {
    return validateConfig(withValuesAt(config, entries), 'optimize parameters');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(`optimize: parameters ${canonicalJson(params as JsonValue)} give an invalid config`, e.problems, { cause: e });
  }
}
