// Fuzz of configuration trees through `txbot config check` (in-process): random values at real and
// misspelt keys, in the file and in TXBOT__ variables, and random YAML text. The result is OK (exit 0)
// or exit 2 listing `key: problem` lines that name the variable for keys it set; never a crash; the
// file is unchanged.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { configSchema } from '../../src/config/index.ts';
import { hashPath, runCli } from '../support/cliHarness.ts';
import { useTempDir } from '../support/tmp.ts';
import { errorLine, expectCleanRefusal, fuzzParams } from './fuzzSupport.ts';

const tmp = useTempDir('txbot-fuzz-config-');
const defaults = configSchema.parse({}) as Record<string, unknown>;

/** Every key path of the default config (objects and arrays walked), e.g. ["risk", "daily_loss_limit"]. */
function keyPaths(v: unknown, prefix: string[] = []): string[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
  return [prefix, ...entries.flatMap(([k, x]) => keyPaths(x, [...prefix, k]))].filter((p) => p.length > 0);
}
const PATHS = keyPaths(defaults);

const value = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double(),
  fc.constantFrom(Number.POSITIVE_INFINITY, Number.NaN, 0, -1, 1e308, 5, 7, 0.5),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('strict', 'repair', 'strcit', '+25:00', 'America/Chicago', 'Mars/Base', '25:61', '09:30', 'globex', ''),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 3 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.integer(), { maxKeys: 2 }),
);

const edit = fc.record({
  path: fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...PATHS) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(defaults)), fc.stringMatching(/^[a-z_]{1,12}$/)).map(([a, b]) => [a, b]) },
  ),
  value,
  viaEnv: fc.boolean(),
});

function setIn(tree: Record<string, unknown>, path: readonly string[], v: unknown): void {
  let node: Record<string, unknown> = tree;
  for (const k of path.slice(0, -1)) {
    if (node[k] === null || typeof node[k] !== 'object') node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = v;
}

/** Array indexes and keys with leading, trailing or double underscores cannot be named by a TXBOT__ variable unambiguously; those edits stay in the file. */
const envable = (path: readonly string[]): boolean => path.every((k) => /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(k));

describe('fuzz: configuration trees', () => {
  it('config check says OK or lists key problems (naming the TXBOT__ variable of env-set keys), exit 0 or 2', async () => {
    const file = join(tmp.dir, 'config.yaml');
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        const tree = structuredClone(defaults);
        const env: Record<string, string> = {};
        for (const e of edits) {
          if (e.viaEnv && envable(e.path))
            env[`TXBOT__${e.path.map((k) => k.toUpperCase()).join('__')}`] = stringify(e.value, { lineWidth: 0 }).trim();
          else setIn(tree, e.path, e.value);
        }
        writeFileSync(file, stringify(tree));
        const before = hashPath(file);
        const r = await runCli(['config', 'check', file], { cwd: tmp.dir, env });
        expect(hashPath(file)).toBe(before);
        if (r.code === 0) {
          expect(r.stdout).toMatch(/^OK: /);
          return;
        }
        const lines = expectCleanRefusal(r, [2]);
        const head = errorLine(lines);
        expect(head).toMatch(/: \d+ problem\(s\) (in the configuration|with files the configuration names)$/);
        const problems = lines.filter((l) => l.startsWith('  '));
        expect(problems.length).toBeGreaterThan(0);
        for (const p of problems) {
          expect(p, p).toMatch(/^ {2}(\(root\)|[\w-]+|"[^\n]*")(\.([\w-]+|"[^\n]*?"(\.\.\." \(\d+ characters\))?))*: /);
          const key = p.trim().slice(0, p.trim().indexOf(':'));
          const setter = Object.keys(env).find((v) => {
            const path = v.slice('TXBOT__'.length).toLowerCase().split('__').join('.');
            return key === path || key.startsWith(`${path}.`) || path.startsWith(`${key}.`);
          });
          if (setter) expect(p).toMatch(/ \[set by environment variable TXBOT__[A-Z0-9_]+\]$/);
          else expect(p).not.toContain('[set by environment variable');
        }
        if (Object.keys(env).length === 0) expect(head).not.toContain('environment variable');
      }),
      fuzzParams(150),
    );
  });

  it('random YAML text is OK or exit 2 naming the file; never a crash', async () => {
    const file = join(tmp.dir, 'random.yaml');
    const yamlish = fc.array(
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom(
          'a: &x [1, 2]',
          'b: *x',
          'c: *missing',
          '- item',
          'risk:',
          '  daily_loss_limit: .inf',
          'hmm: {n_states: 7',
          '? complex',
          '%YAML 1.2',
          '---',
          '!!binary x',
          'k: !!js/function x',
        ),
      ),
      { maxLength: 8 },
    );
    await fc.assert(
      fc.asyncProperty(yamlish, async (lines) => {
        writeFileSync(file, lines.join('\n'));
        const before = hashPath(file);
        const r = await runCli(['config', 'check', file], { cwd: tmp.dir });
        expect(hashPath(file)).toBe(before);
        if (r.code === 0) return;
        const out = expectCleanRefusal(r, [2]);
        expect(errorLine(out)).toContain(file);
      }),
      fuzzParams(150),
    );
  });
});
