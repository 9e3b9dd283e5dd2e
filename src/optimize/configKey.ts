// Dotted config keys: checks that a key names a real field of the config schema, and deep-sets a value at it.

import type { z } from 'zod';
import { configSchema } from '../config/index.ts';
import type { JsonValue } from './types.ts';

interface SchemaDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly in?: z.ZodType;
}

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** Strips default/optional/nullable/... wrappers (and the input side of pipes) down to the shaped schema. */
function unwrap(schema: z.ZodType): SchemaDef {
  let def = (schema as unknown as { def: SchemaDef }).def;
  for (;;) {
    if (WRAPPERS.has(def.type) && def.innerType) def = (def.innerType as unknown as { def: SchemaDef }).def;
    else if (def.type === 'pipe' && def.in) def = (def.in as unknown as { def: SchemaDef }).def;
    else return def;
  }
}

/**
 * Checks that `key` (e.g. "stops.STRONG_BULL") names a field of the config schema. Returns null when it does,
 * else what is wrong ("no key `stoops` (the config has: instruments, session, ...)"). Keys address object fields
 * only; a list value (vwap.band_multipliers) is set whole.
 */
export function configKeyProblem(key: string): string | null {
  const parts = key.split('.');
  if (parts.some((p) => p === '')) return 'empty segment in the dotted key';
  let def = unwrap(configSchema);
  for (let i = 0; i < parts.length; i++) {
    const at = parts.slice(0, i).join('.');
    if (def.type !== 'object' || !def.shape) {
      return `\`${at}\` is a ${def.type} value, not a section: set \`${at}\` as a whole (sub-keys are not supported)`;
    }
    const child = def.shape[parts[i]!];
    if (!child) {
      const where = at === '' ? 'the config' : `\`${at}\``;
      return `no key \`${parts[i]}\` in ${where} (it has: ${Object.keys(def.shape).join(', ')})`;
    }
    def = unwrap(child);
  }
  return null;
}

/** Returns a deep copy of `target` with each `[key, value]` set at its dotted key (intermediate objects created). */
export function withValuesAt<T>(target: T, entries: readonly (readonly [string, JsonValue])[]): T {
  const copy = structuredClone(target) as Record<string, unknown>;
  for (const [key, value] of entries) {
    const parts = key.split('.');
    let node = copy;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] = structuredClone(value);
  }
  return copy as T;
}
