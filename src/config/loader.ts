// Loads config.yaml (or embedded defaults), applies TXBOT__SECTION__KEY env overrides, validates everything.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { load as loadYaml, YAMLException } from 'js-yaml';
import type { z } from 'zod';
import { ConfigError, quoteSnippet } from '../domain/index.ts';
import { configSchema, type Config } from './schema.ts';
import { checkConfigRules } from './rules.ts';
import { resolveRiskPlan } from './riskPlan.ts';
import { renamedKeyProblems } from './renamedKeys.ts';
import { describeValue } from './describeValue.ts';

/** A validated config plus where it came from (relative file paths resolve against `baseDir`). */
export interface LoadedConfig {
  readonly config: Config;
  readonly sourcePath: string | null;
  readonly baseDir: string;
}

export const ENV_PREFIX = 'TXBOT__';

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const next = node[k];
    if (next === undefined || next === null || typeof next !== 'object') node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** One TXBOT__ environment override: the variable, the config path it sets and its parsed value. */
export interface EnvOverride {
  readonly variable: string;
  readonly path: readonly string[];
  readonly value: unknown;
}

/** YAML alias uses allowed in a config document or an override value (a "billion laughs" file stops here). */
export const MAX_YAML_ALIAS_COUNT = 100;

/** The TXBOT__SECTION__KEY=value variables of `env`, values read as YAML scalars/flow values. */
export function envOverrides(env: NodeJS.ProcessEnv): EnvOverride[] {
  const found: EnvOverride[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const path = name.slice(ENV_PREFIX.length).toLowerCase().split('__').filter(Boolean);
    if (path.length === 0) continue;
    let parsed: unknown;
    try {
      parsed = loadYaml(value) ?? null;
      if (aliasUses(parsed, MAX_YAML_ALIAS_COUNT) > MAX_YAML_ALIAS_COUNT) parsed = value;
    } catch {
      parsed = value;
    }
    found.push({ variable: name, path, value: parsed });
  }
  return found;
}

/** Applies TXBOT__SECTION__KEY=value overrides (value read as a YAML scalar/flow value); returns the paths set. */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  return envOverrides(env).map((o) => {
    setPath(raw, [...o.path], o.value);
    return o.path.join('.');
  });
}

function formatIssue(issue: z.core.$ZodIssue): string[] {
  const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map(
      (k) =>
        `${path === '(root)' ? '' : `${path}.`}${/^[\w-]{1,60}$/.test(k) ? k : quoteSnippet(k, 40)}: unknown key (check the spelling; see config.yaml for every key)`,
    );
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0 && issue.errors.every((b) => b.length === 1)) {
    // e.g. 'plan' or a number: name what each alternative expects
    message = `Invalid input: ${issue.errors.map((b) => b[0]!.message.replace(/^Invalid (input|option): /, '')).join(' or ')}`;
  }
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined) {
    message = `required, ${issue.message.replace(/^Invalid (input|option): /, '')}`;
  }
  const got = 'input' in issue ? describeValue(issue.input) : 'nothing';
  return [`${path}: ${message} (got ${got})`];
}

/** The override that set the key a problem line ("a.b.c: ...") is about, if any (either path may contain the other). */
function overrideOf(problem: string, overrides: readonly EnvOverride[]): EnvOverride | undefined {
  const key = problem.slice(0, problem.indexOf(':'));
  return overrides.find((o) => {
    const p = o.path.join('.');
    return key === p || key.startsWith(`${p}.`) || p.startsWith(`${key}.`);
  });
}

function configError(source: string, problems: string[], overrides: readonly EnvOverride[]): ConfigError {
  const blamed = new Set<string>();
  const lines = problems.map((p) => {
    const o = overrideOf(p, overrides);
    if (!o) return p;
    blamed.add(o.variable);
    return `${p} [set by environment variable ${o.variable}]`;
  });
  const vars = [...blamed].join(', ');
  const where =
    blamed.size === 0
      ? source
      : blamed.size === problems.length || lines.every((l) => l.includes('[set by environment variable'))
        ? `environment variable${blamed.size > 1 ? 's' : ''} ${vars} (over ${source})`
        : `${source} and environment variable${blamed.size > 1 ? 's' : ''} ${vars}`;
  return new ConfigError(`${where}: ${problems.length} problem(s) in the configuration`, lines);
}

/**
 * Validates a raw object; returns the config or throws ConfigError listing every problem. Problems
 * about keys set by `overrides` name the TXBOT__ variable instead of blaming `source`.
 */
export function validateConfig(raw: unknown, source: string, overrides: readonly EnvOverride[] = []): Config {
  const renamed = renamedKeyProblems(raw);
  if (renamed.length) throw configError(source, renamed, overrides);
  const result = configSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!result.success) throw configError(source, result.error.issues.flatMap(formatIssue), overrides);
  const { config, problems: planProblems } = resolveRiskPlan(result.data);
  // a contradiction with the plan is reported alone: the rules would repeat it about the resolved values
  const problems = planProblems.length ? planProblems : checkConfigRules(config);
  if (problems.length) throw configError(source, problems, overrides);
  return config;
}

/** Reads and parses a YAML file into a plain object; syntax errors name line and column. */
/**
 * Nodes reached through aliases when `value` is walked as a tree: an anchored object or array used again
 * counts with its whole expanded size (so nested anchors multiply, as in an "alias bomb"). Stops past `limit`.
 */
function aliasUses(value: unknown, limit: number): number {
  const size = new Map<object, number>();
  let uses = 0;
  const expanded = (v: unknown): number => {
    if (v === null || typeof v !== 'object') return 1;
    const known = size.get(v);
    if (known !== undefined) {
      uses += known;
      return known;
    }
    size.set(v, 1);
    let n = 1;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      n += expanded(child);
      if (uses > limit) break;
    }
    size.set(v, n);
    return n;
  };
  expanded(value);
  return uses;
}

export function readYamlFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${path}: cannot read the config file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, [], { cause: e });
  }
  let value: unknown;
  try {
    value = loadYaml(text, { filename: path });
  } catch (e) {
    if (!(e instanceof YAMLException)) throw e;
    const m = e.mark;
    throw new ConfigError(`${path}: the file is not valid YAML`, [`${path}${m ? ` line ${m.line + 1} column ${m.column + 1}` : ''}: ${e.reason}`]);
  }
  // Anchors load as shared objects: a file that reuses them too often (an "alias bomb") is refused
  // before anything walks the expanded tree.
  if (aliasUses(value, MAX_YAML_ALIAS_COUNT) > MAX_YAML_ALIAS_COUNT) {
    throw new ConfigError(
      `${path}: the YAML cannot be expanded safely`,
      [`${path}: too many repeated anchors (more than ${MAX_YAML_ALIAS_COUNT} alias uses)`],
      {
        hint: 'write the values out instead of repeating anchors (*alias) many times',
      },
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${path}: the top level must be a mapping of sections`, [`(root): expected a mapping (got ${describeValue(value)})`]);
  }
  return value as Record<string, unknown>;
}

/**
 * Loads the configuration: `file` if given (must exist), else ./config.yaml in `cwd` if present,
 * else the embedded defaults; then env overrides; then validation.
 */
export function loadConfig(options: { file?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  let sourcePath: string | null = null;
  if (options.file) {
    sourcePath = isAbsolute(options.file) ? options.file : resolve(cwd, options.file);
    if (!existsSync(sourcePath))
      throw new ConfigError(`${options.file}: config file not found`, [], { hint: 'omit --config to use config.yaml or the embedded defaults' });
  } else if (existsSync(resolve(cwd, 'config.yaml'))) {
    sourcePath = resolve(cwd, 'config.yaml');
  }
  const raw = sourcePath ? readYamlFile(sourcePath) : {};
  const overrides = envOverrides(env);
  for (const o of overrides) setPath(raw, [...o.path], o.value);
  const config = validateConfig(raw, sourcePath ?? 'embedded defaults', overrides);
  return { config, sourcePath, baseDir: sourcePath ? dirname(sourcePath) : cwd };
}

/** Resolves a path from the config against the config file's folder. */
export function resolveConfigPath(loaded: LoadedConfig, p: string): string {
  return isAbsolute(p) ? p : resolve(loaded.baseDir, p);
}
