// Loads config.yaml (or embedded defaults), applies TXBOT__SECTION__KEY env overrides, validates everything.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument, parse as parseYamlScalar } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../domain/errors.ts';
import { configSchema, type Config } from './schema.ts';
import { checkConfigRules } from './rules.ts';
import { renamedKeyProblems } from './renamedKeys.ts';
import { describeValue } from './describeValue.ts';

/** A validated config plus where it came from (relative file paths resolve against `baseDir`). */
export interface LoadedConfig {
  readonly config: Config;
  readonly sourcePath: string | null;
  readonly baseDir: string;
}

export const ENV_PREFIX = 'TXBOT__';

/** Keys the environment may not override through TXBOT__ (secrets have their own variables). */
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

/** Applies TXBOT__SECTION__KEY=value overrides (value read as a YAML scalar/flow value). */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  const applied: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const path = name.slice(ENV_PREFIX.length).toLowerCase().split('__').filter(Boolean);
    if (path.length === 0) continue;
    let parsed: unknown;
    try {
      parsed = parseYamlScalar(value);
    } catch {
      parsed = value;
    }
    setPath(raw, path, parsed);
    applied.push(path.join('.'));
  }
  return applied;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    return `${path === '(root)' ? '' : `${path}.`}${issue.keys.join(', ')}: unknown key (check the spelling; see config.yaml for every key)`;
  }
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined) {
    message = `required, ${issue.message.replace(/^Invalid (input|option): /, '')}`;
  }
  const got = 'input' in issue ? describeValue(issue.input) : 'nothing';
  return `${path}: ${message} (got ${got})`;
}

/** Validates a raw object; returns the config or throws ConfigError listing every problem. */
export function validateConfig(raw: unknown, source: string): Config {
  const renamed = renamedKeyProblems(raw);
  if (renamed.length) throw new ConfigError(`${source}: ${renamed.length} problem(s) in the configuration`, renamed);
  const result = configSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues.map(formatIssue);
    throw new ConfigError(`${source}: ${problems.length} problem(s) in the configuration`, problems);
  }
  const problems = checkConfigRules(result.data);
  if (problems.length) throw new ConfigError(`${source}: ${problems.length} problem(s) in the configuration`, problems);
  return result.data;
}

/** Reads and parses a YAML file into a plain object; syntax errors name line and column. */
export function readYamlFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${path}: cannot read the config file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, [], { cause: e });
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const problems = doc.errors.map((err) => {
      const pos = err.linePos?.[0];
      return `${path}${pos ? ` line ${pos.line} column ${pos.col}` : ''}: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
    });
    throw new ConfigError(`${path}: the file is not valid YAML`, problems);
  }
  const value = doc.toJS() as unknown;
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
  applyEnvOverrides(raw, env);
  const config = validateConfig(raw, sourcePath ?? 'embedded defaults');
  return { config, sourcePath, baseDir: sourcePath ? dirname(sourcePath) : cwd };
}

/** Resolves a path from the config against the config file's folder. */
export function resolveConfigPath(loaded: LoadedConfig, p: string): string {
  return isAbsolute(p) ? p : resolve(loaded.baseDir, p);
}
