// Tests of the bar loader: every validation problem with file and line, policies, DST, gzip streaming.

import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { readBarsCsv, loadBars } from '../../src/data/index.ts';
import { DataError } from '../../src/domain/errors.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir();
const HEADER = 'timestamp,open,high,low,close,volume';
const good = ['2023-03-08 09:30:00,100,101,99,100.5,10', '2023-03-08 09:35:00,100.5,102,100,101,12'];

async function problemsOf(lines: string[]) {
  const f = tmp.file(`f${Math.random().toString(36).slice(2)}.csv`, [HEADER, ...lines].join('\n'));
  const r = await readBarsCsv(f, { policy: 'repair' });
  return r.problems.map((p) => ({ line: p.line, kind: p.kind, message: p.message.replace(f, 'F') }));
}

describe('readBarsCsv validation', () => {
  it.each([
    ['unparsable field count', '2023-03-08 09:40:00,1,2', 'unparsable', 'expected 6 fields, found 3'],
    ['unparsable timestamp', 'yesterday,1,2,0.5,1,1', 'unparsable', 'timestamp "yesterday" is not a date-time'],
    ['impossible date', '2023-02-30 09:40:00,1,2,0.5,1,1', 'unparsable', 'is not a date-time'],
    ['NaN price', '2023-03-08 09:40:00,NaN,2,0.5,1,1', 'bad_price', 'price is not a number'],
    ['empty price', '2023-03-08 09:40:00,,2,0.5,1,1', 'bad_price', 'price is not a number'],
    ['negative price', '2023-03-08 09:40:00,-1,2,-2,1,1', 'bad_price', 'price must be positive'],
    ['high below low', '2023-03-08 09:40:00,101,100,102,101,1', 'high_below_low', 'high 100 below low 102'],
    ['open outside range', '2023-03-08 09:40:00,105,103,100,101,1', 'open_outside_range', 'open 105 outside high-low 100..103'],
    ['close outside range', '2023-03-08 09:40:00,101,103,100,99,1', 'close_outside_range', 'close 99 outside high-low 100..103'],
    ['negative volume', '2023-03-08 09:40:00,101,103,100,101,-5', 'bad_volume', 'volume must be a number >= 0'],
  ])('reports %s with file and line', async (_name, row, kind, text) => {
    const ps = await problemsOf([...good, row]);
    expect(ps).toHaveLength(1);
    expect(ps[0]!.line).toBe(4);
    expect(ps[0]!.kind).toBe(kind);
    expect(ps[0]!.message).toContain(`F line 4: `);
    expect(ps[0]!.message).toContain(text);
  });

  it('reports duplicate and out-of-order timestamps', async () => {
    const ps = await problemsOf([...good, '2023-03-08 09:35:00,101,102,100,101,1', '2023-03-08 09:30:00,101,102,100,101,1']);
    expect(ps.map((p) => [p.line, p.kind])).toEqual([
      [4, 'duplicate_timestamp'],
      [5, 'out_of_order'],
    ]);
  });

  it('reports a local time skipped by the spring-forward change', async () => {
    const ps = await problemsOf(['2023-03-12 02:30:00,1,1,1,1,1']);
    expect(ps[0]!.kind).toBe('nonexistent_local_time');
  });

  it('stops in strict mode listing every problem', async () => {
    const f = tmp.file('strict.csv', [HEADER, ...good, '2023-03-08 09:40:00,101,100,102,101,1', 'x,1,1,1,1,1'].join('\n'));
    const err = await readBarsCsv(f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    const de = err as DataError;
    expect(de.code).toBe('DATA_INVALID');
    expect(de.problems).toEqual([`${f} line 4: high 100 below low 102`, `${f} line 5: timestamp "x" is not a date-time`]);
  });

  it('drops bad rows in repair mode and keeps the good ones', async () => {
    const f = tmp.file('repair.csv', [HEADER, ...good, '2023-03-08 09:40:00,101,100,102,101,1', '2023-03-08 09:45:00,101,102,100,101,3'].join('\n'));
    const r = await loadBars(f, { policy: 'repair' });
    expect(r.series.length).toBe(3);
    expect(r.dropped).toBe(1);
    expect(r.repairSummary).toBe(`${f}: dropped 1 of 4 rows (1 high_below_low)`);
  });

  it('names a missing column in the header', async () => {
    const f = tmp.file('nohigh.csv', 'timestamp,open,low,close\n2023-03-08 09:30:00,1,1,1\n');
    await expect(readBarsCsv(f)).rejects.toThrow(/line 1: header lacks high/);
  });

  it('gives a clear error for a missing file', async () => {
    await expect(readBarsCsv('/nonexistent/bars.csv')).rejects.toThrow(/cannot open \(no such file\)/);
  });
});

describe('timestamps', () => {
  it('converts ET-naive times to UTC across both DST changes', async () => {
    const f = tmp.file(
      'dst.csv',
      [
        HEADER,
        '2023-03-10 09:30:00,1,1,1,1,1', // EST
        '2023-03-13 09:30:00,1,1,1,1,1', // EDT
        '2023-11-03 09:30:00,1,1,1,1,1', // EDT
        '2023-11-06 09:30:00,1,1,1,1,1', // EST
      ].join('\n'),
    );
    const r = await readBarsCsv(f);
    expect([...r.series.tsMs].map((t) => new Date(t).toISOString())).toEqual([
      '2023-03-10T14:30:00.000Z',
      '2023-03-13T13:30:00.000Z',
      '2023-11-03T13:30:00.000Z',
      '2023-11-06T14:30:00.000Z',
    ]);
  });

  it('maps the repeated fall-back hour to increasing instants', async () => {
    const f = tmp.file(
      'fallback.csv',
      [
        HEADER,
        '2023-11-05 01:30:00,1,1,1,1,1',
        '2023-11-05 01:55:00,1,1,1,1,1',
        '2023-11-05 01:00:00,1,1,1,1,1', // second 01:00 (EST)
        '2023-11-05 01:30:00,1,1,1,1,1',
        '2023-11-05 02:00:00,1,1,1,1,1',
      ].join('\n'),
    );
    const r = await readBarsCsv(f);
    expect([...r.series.tsMs].map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['05:30', '05:55', '06:00', '06:30', '07:00']);
  });

  it('reads UTC and offset timestamps as absolute', async () => {
    const f = tmp.file(
      'utc.csv',
      [HEADER, '2024-12-20T14:00:00+00:00,1,1,1,1,1', '2024-12-20T14:05:00Z,1,1,1,1,1', '2024-12-20T09:10:00-05:00,1,1,1,1,1'].join('\n'),
    );
    const r = await readBarsCsv(f);
    expect([...r.series.tsMs].map((t) => new Date(t).toISOString())).toEqual([
      '2024-12-20T14:00:00.000Z',
      '2024-12-20T14:05:00.000Z',
      '2024-12-20T14:10:00.000Z',
    ]);
  });

  it('reads naive times in a configured zone', async () => {
    const f = tmp.file('ct.csv', [HEADER, '2023-07-03 08:30:00,1,1,1,1,1'].join('\n'));
    const r = await readBarsCsv(f, { timezone: 'America/Chicago' });
    expect(new Date(r.series.tsMs[0]!).toISOString()).toBe('2023-07-03T13:30:00.000Z');
  });
});

describe('gzip and formats', () => {
  it('reads a gzipped file with CRLF line ends and a BOM', async () => {
    const text = `\ufeff${[HEADER, ...good].join('\r\n')}\r\n`;
    const f = tmp.file('g.csv.gz', gzipSync(Buffer.from(text)));
    const r = await readBarsCsv(f);
    expect(r.series.length).toBe(2);
    expect(r.series.close[1]).toBe(101);
  });

  it('reads Yahoo column order and files without volume', async () => {
    const y = tmp.file('y.csv', 'Date,Close,High,Low,Open,Volume\n2020-01-02,10,11,9,9.5,100\n');
    expect((await readBarsCsv(y)).series.open[0]).toBe(9.5);
    const v = tmp.file('v.csv', 'date,open,high,low,close\n2020-01-02,10,11,9,9.5\n');
    expect((await readBarsCsv(v)).series.volume[0]).toBe(0);
  });
});
