// Fuzz of bar files through `txbot train` (in-process): rows broken in ways that are certainly invalid
// are each reported once at their line, valid rows (RFC 4180-quoted, CRLF, extra fields) never are, the
// exit code is 3, messages are short and escaped, and the file is unchanged.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { barsToCsv, generateSyntheticBars } from '../../src/data/index.ts';
import { MAX_PROBLEMS_LISTED } from '../../src/data/csvBars.ts';
import { hashPath, runCli } from '../support/cliHarness.ts';
import { useTempDir } from '../support/tmp.ts';
import { digitFreeText, errorLine, expectCleanRefusal, fuzzParams, snapshot } from './fuzzSupport.ts';

const tmp = useTempDir('txbot-fuzz-csv-');
const rows = barsToCsv(generateSyntheticBars({ seed: 9, days: 2 }).series)
  .trimEnd()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','));

type Breakage =
  | { kind: 'text'; field: number; text: string }
  | { kind: 'nonPositive'; field: number; value: string }
  | { kind: 'highBelowLow' }
  | { kind: 'fewerFields'; keep: number };

const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), field: fc.integer({ min: 0, max: 5 }), text: digitFreeText }),
  fc.record({
    kind: fc.constant('nonPositive' as const),
    field: fc.integer({ min: 1, max: 4 }),
    value: fc.constantFrom('0', '-1', '-0.25', '1e400', '-1e-9'),
  }),
  fc.record({ kind: fc.constant('highBelowLow' as const) }),
  fc.record({ kind: fc.constant('fewerFields' as const), keep: fc.integer({ min: 1, max: 5 }) }),
);

/** How a valid row is written: fields quoted or not, an extra trailing field. */
const validStyle = fc.record({ quote: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), extra: fc.boolean() });

function breakRow(f: string[], b: Breakage): string {
  const g = [...f];
  if (b.kind === 'text') g[b.field] = b.text;
  else if (b.kind === 'nonPositive') g[b.field] = b.value;
  else if (b.kind === 'highBelowLow') g[2] = String(Number(g[3]) - 0.25);
  else return g.slice(0, b.keep).join(',');
  return g.join(',');
}

const writeValid = (f: string[], s: { quote: boolean[]; extra: boolean }): string =>
  [...f.map((x, i) => (s.quote[i] ? `"${x}"` : x)), ...(s.extra ? ['"n,1"'] : [])].join(',');

describe('fuzz: bar file rows', () => {
  it('every broken row is reported at its line, no valid row is, exit 3, file unchanged', async () => {
    const file = join(tmp.dir, 'mnq_bars.csv');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(breakage, { freq: 3 }), { minLength: rows.length, maxLength: rows.length }),
        fc.array(validStyle, { minLength: rows.length, maxLength: rows.length }),
        fc.boolean(),
        async (breaks, styles, crlf) => {
          const lines = [
            'timestamp,open,high,low,close,volume',
            ...rows.map((f, i) => (breaks[i] ? breakRow(f, breaks[i]) : writeValid(f, styles[i]!))),
          ];
          writeFileSync(file, `${lines.join(crlf ? '\r\n' : '\n')}\n`);
          const before = snapshot(tmp.dir);
          const r = await runCli(['train', '--data', file, '--from', '2030-01-01', '--out', join(tmp.dir, 'm.json')], { cwd: tmp.dir });
          const out = expectCleanRefusal(r, [3]);
          expect(snapshot(tmp.dir)).toEqual(before);
          expect(hashPath(join(tmp.dir, 'm.json'))).toBe('absent');
          const broken = breaks.flatMap((b, i) => (b ? [i + 2] : []));
          const err = errorLine(out);
          if (broken.length === 0) {
            expect(err).toBe(`txbot: ${file}: no bars between 2030-01-01 and end`);
            return;
          }
          expect(err).toBe(`txbot: ${file}: ${broken.length} bad row(s) (policy strict)`);
          const listed = out.filter((l) => l.startsWith(`  ${file} line `)).map((l) => Number(/ line (\d+):/.exec(l)![1]));
          expect(listed).toEqual(broken.slice(0, MAX_PROBLEMS_LISTED));
          if (broken.length > MAX_PROBLEMS_LISTED) expect(out).toContain(`  ... and ${broken.length - MAX_PROBLEMS_LISTED} more`);
        },
      ),
      fuzzParams(120),
    );
  });

  it('any header is either read or refused at line 1 with a short escaped quote of it', async () => {
    const file = join(tmp.dir, 'mnq_head.csv');
    const body = rows.map((f) => f.join(',')).join('\n');
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary', maxLength: 3000 }), digitFreeText), async (header) => {
        const clean = header.replace(/[\r\n]/g, ' ');
        writeFileSync(file, `${clean}\n${body}\n`);
        const before = hashPath(file);
        const r = await runCli(['train', '--data', file, '--from', '2030-01-01', '--out', join(tmp.dir, 'm.json')], { cwd: tmp.dir });
        const out = expectCleanRefusal(r, [3]);
        expect(errorLine(out)).toMatch(new RegExp(`^txbot: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(:| line 1:)`));
        expect(hashPath(file)).toBe(before);
      }),
      fuzzParams(80),
    );
  });
});
