// Canonical JSON (sorted keys) and the hashes and seeds derived from it, so ids and seeds never depend on key order.

import { createHash } from 'node:crypto';
import type { JsonValue } from './types.ts';

/** JSON with object keys sorted at every level; arrays keep their order. `-0` is written as 0, like JSON.stringify. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v: JsonValue) => canonicalJson(v)).join(',')}]`;
  const obj = value as { readonly [key: string]: JsonValue };
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k]!)}`).join(',')}}`;
}

/** sha256 of a string, lowercase hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A 32-bit unsigned seed derived from a base seed and labels (first 4 bytes of sha256 of their canonical JSON). */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  return Number.parseInt(sha256Hex(canonicalJson([seed, ...labels])).slice(0, 8), 16) >>> 0;
}
