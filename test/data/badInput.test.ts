// Bar files that used to be refused, crash, silently change results or flood the terminal: RFC 4180
// quoting, huge or binary headers, mixed bar sizes, an unknown --policy, impossible offsets.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { barsToCsv, generateSyntheticBars, loadBars, readBarsCsv } from '../../src/data/index.ts';
import { splitCsvFields } from '../../src/data/csvFields.ts';
import { parseTimestamp } from '../../src/data/timestampParse.ts';
import { quoteSnippet } from '../../src/domain/textSnippet.ts';
import { DataError, UsageError } from '../../src/domain/errors.ts';
import { hashPath, runCli } from '../support/cliHarness.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir('txbot-bad-input-');
const synth = generateSyntheticBars({ seed: 3, days: 6 }).series;
const csv = barsToCsv(synth);

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('RFC 4180 quoting', () => {
  it('splits quoted fields, doubled quotes and commas inside quotes', () => {
    expect(splitCsvFields('"a","b,c","d""e"')).toEqual(['a', 'b,c', 'd"e']);
    expect(splitCsvFields('1,"2",3')).toEqual(['1', '2', '3']);
    expect(splitCsvFields('"open')).toBeNull();
    expect(splitCsvFields('"1"x,2')).toBeNull();
    expect(splitCsvFields('plain,row')).toEqual(['plain', 'row']);
  });

  it('reads a file whose every field is quoted exactly like the unquoted file (it used to give N bad rows)', async () => {
    const quoted = csv
      .trimEnd()
      .split('\n')
      .map((l) =>
        l
          .split(',')
          .map((f) => `"${f}"`)
          .join(','),
      )
      .join('\r\n');
    const a = await readBarsCsv(tmp.file('plain.csv', csv));
    const b = await readBarsCsv(tmp.file('quoted.csv', `${quoted}\r\n`));
    expect(b.problems).toEqual([]);
    expect(Array.from(b.series.close)).toEqual(Array.from(a.series.close));
    expect(Array.from(b.series.tsMs)).toEqual(Array.from(a.series.tsMs));
  });
});

describe('headers in messages', () => {
  it('cuts a 2 MB header and states its length', async () => {
    const file = tmp.file('wide.csv', `${'x'.repeat(2_000_000)}\n1,2,3\n`);
    const e = await rejection(readBarsCsv(file));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message.length).toBeLessThan(400);
    expect(e.message).toContain('(2000000 characters)');
  });

  it('escapes control bytes of a binary file instead of printing them', async () => {
    const file = tmp.file('blob.csv', Buffer.from([0x00, 0x01, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x0a, 0x41]));
    const e = await rejection(readBarsCsv(file));
    expect(e.message).toMatch(/blob\.csv line 1: not a text CSV file \(binary content, starts "\\x00\\x01\\x1b\[2J\\x07"\)/);
    // eslint-disable-next-line no-control-regex
    expect(/[\x00-\x08\x1b]/.test(e.message)).toBe(false);
  });

  it('quoteSnippet keeps short text, escapes and truncates long text', () => {
    expect(quoteSnippet('abc')).toBe('"abc"');
    expect(quoteSnippet('a\tb\n')).toBe('"a\\tb\\n"');
    expect(quoteSnippet('y'.repeat(100), 10)).toBe(`"${'y'.repeat(10)}..." (100 characters)`);
  });
});

describe('mixed bar sizes', () => {
  it('warns when one day of 1-minute bars sits in a 5-minute file, and resamples that day to 5 minutes', async () => {
    const ten = generateSyntheticBars({ seed: 3, days: 10 }).series;
    const lines = barsToCsv(ten).trimEnd().split('\n');
    const day2 = lines.slice(1).filter((l) => l.startsWith('2024-01-03'));
    const oneMinute: string[] = [];
    for (const l of day2) {
      const [ts, o, h, lo, c, v] = l.split(',') as [string, string, string, string, string, string];
      const t0 = Date.parse(ts);
      for (let k = 0; k < 5; k++)
        oneMinute.push(`${new Date(t0 + k * 60_000).toISOString().replace('.000Z', 'Z')},${o},${h},${lo},${c},${Number(v) / 5}`);
    }
    const mixed = [lines[0], ...lines.slice(1).filter((l) => !l.startsWith('2024-01-03')), ...oneMinute].sort((a, b) =>
      a!.startsWith('timestamp') ? -1 : b!.startsWith('timestamp') ? 1 : a!.localeCompare(b!),
    );
    const file = tmp.file('mixed.csv', `${mixed.join('\n')}\n`);
    const r = await loadBars(file, { barMinutes: 5 });
    expect(r.sourceBarMinutes).toBe(5);
    expect(r.warnings).toEqual([expect.stringMatching(/mixed bar sizes: \d+ bar\(s\) are 1 minute\(s\) or less apart .+trading dates 2024-01-03\)/)]);
    expect(r.series.length).toBe(ten.length);
    expect(Array.from(r.series.tsMs)).toEqual(Array.from(ten.tsMs));
    expect(Array.from(r.series.high)).toEqual(Array.from(ten.high));
    const clean = await loadBars(tmp.file('clean.csv', csv), { barMinutes: 5 });
    expect(clean.warnings).toEqual([]);
  });
});

describe('--policy and data.policy', () => {
  it('readBarsCsv refuses a policy other than strict or repair (strcit used to mean repair)', async () => {
    const e = await rejection(readBarsCsv(tmp.file('p.csv', csv), { policy: 'strcit' as never }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain('(got "strcit")');
  });

  it('train --policy strcit is exit 2 naming --policy, before anything is read or written', async () => {
    const data = tmp.file('bars.csv', `${csv}2024-01-20T14:30:00Z,1,2,0.5,9,1\n`);
    const r = await runCli(['train', '--data', data, '--policy', 'strcit', '--out', `${tmp.dir}/m.json`], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--policy must be one of strict, repair (got "strcit")');
    expect(hashPath(`${tmp.dir}/m.json`)).toBe('absent');
  });
});

describe('timestamps with offsets', () => {
  it('refuses offsets beyond ±14:00 in rows', () => {
    expect(parseTimestamp('2024-01-02T09:30:00+25:00')).toBeNull();
    expect(parseTimestamp('2024-01-02T09:30:00+05:99')).toBeNull();
    expect(parseTimestamp('2024-01-02T09:30:00-05:00')).toEqual({ ms: Date.UTC(2024, 0, 2, 14, 30), absolute: true });
  });
});

describe('gzip', () => {
  it('quoted fields work in .csv.gz too', async () => {
    const quoted = csv
      .replace(/,/g, '","')
      .replace(/^/gm, '"')
      .replace(/\n"$/, '\n')
      .replace(/(?<!\n)\n/g, '"\n');
    const r = await readBarsCsv(tmp.file('q.csv.gz', gzipSync(quoted)));
    expect(r.problems).toEqual([]);
    expect(r.series.length).toBe(synth.length);
  });
});
