// Shared checks of the input fuzz suite: a refused input gives the documented exit code, a first line
// naming the input, short escaped lines, no stack trace, and leaves every file on disk as it was.

import { readdirSync } from 'node:fs';
import { expect } from 'vitest';
import fc from 'fast-check';
import { hashPath, hasStackTrace, type CliRun } from '../support/cliHarness.ts';

/** Longest stderr line accepted (messages quote at most ~80 characters of user text). */
export const MAX_LINE_CHARS = 600;

/** Seeded runs: the same cases on every machine; FUZZ_SEED / FUZZ_RUNS override for a longer hunt. */
export function fuzzParams(numRuns: number): fc.Parameters<unknown> {
  return {
    seed: process.env.FUZZ_SEED === undefined ? 20_250_601 : Number(process.env.FUZZ_SEED),
    numRuns: process.env.FUZZ_RUNS === undefined ? numRuns : Number(process.env.FUZZ_RUNS),
    endOnFailure: true,
  };
}

/** The folder's files and their hashes (to assert inputs are unchanged and nothing was left behind). */
export function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((n) => [n, hashPath(`${dir}/${n}`)]));
}

/** Asserts the shape every refusal shares; returns stderr's lines. */
export function expectCleanRefusal(r: CliRun, codes: readonly number[]): string[] {
  expect(codes, `exit ${r.code}; stderr:\n${r.stderr}`).toContain(r.code);
  expect(hasStackTrace(r.stderr), r.stderr).toBe(false);
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  for (const l of lines) {
    expect(l.length, l.slice(0, 200)).toBeLessThanOrEqual(MAX_LINE_CHARS);
    // eslint-disable-next-line no-control-regex
    expect(/[\x00-\x08\x0b-\x1f\x7f]/.test(l), JSON.stringify(l.slice(0, 200))).toBe(false);
  }
  return lines;
}

/** The `txbot: ...` error line of stderr (progress notes may precede it). */
export function errorLine(lines: readonly string[]): string {
  const l = lines.find((x) => x.startsWith('txbot: '));
  expect(l, lines.join('\n')).toBeDefined();
  return l!;
}

/** Text without digits, line breaks or anything a number or a date could be read from. */
export const digitFreeText = fc
  .string({
    unit: fc.oneof(fc.constantFrom('a', 'x', ' ', '"', ',', '\t', '-', '.', '+', 'é', '\u0000', '\u001b', '\u00a0', 'ℵ', '😀', ':', 'T', 'Z', 'e')),
  })
  .filter((s) => !/[\d\r\n]/.test(s));
