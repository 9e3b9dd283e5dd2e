// Option values that used to crash (exit 70), change results silently or exit with the wrong class:
// every one is now exit 2 with one line naming the option and the value it got.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barsToCsv, generateSyntheticBars } from '../../src/data/index.ts';
import { parseCalendarDateOption, parseDateRangeOptions, parsePortOption } from '../../src/cli/optionValues.ts';
import { hashPath, hasStackTrace, runCli } from '../support/cliHarness.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir('txbot-options-');
const bars = tmp.file('bars.csv', barsToCsv(generateSyntheticBars({ seed: 5, days: 6 }).series));

async function usage(args: string[], message: RegExp, env: Record<string, string> = {}): Promise<void> {
  const r = await runCli(args, { cwd: tmp.dir, env });
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(2);
  expect(hasStackTrace(r.stderr)).toBe(false);
  const lines = r.stderr.trim().split('\n');
  const at = lines.findIndex((l) => l.startsWith('txbot: '));
  expect(at).toBeGreaterThanOrEqual(0);
  expect(lines.slice(at + 1).every((l) => l.startsWith('hint: '))).toBe(true);
}

describe('data synth', () => {
  it('--session globx is refused (it used to write RTH bars)', async () => {
    await usage(['data', 'synth', '--session', 'globx', '--out', join(tmp.dir, 's.csv')], /--session must be one of rth, globex \(got "globx"\)/);
    expect(hashPath(join(tmp.dir, 's.csv'))).toBe('absent');
  });

  it('--start 2026-13-45 is refused (it used to crash)', async () => {
    await usage(
      ['data', 'synth', '--start', '2026-13-45', '--out', join(tmp.dir, 's.csv')],
      /--start must be a real calendar date \(got "2026-13-45": no such day\)/,
    );
  });

  it('--days beyond the cap is refused instead of exhausting memory', async () => {
    await usage(['data', 'synth', '--days', '100000000', '--out', join(tmp.dir, 's.csv')], /--days must be at most 10000/);
  });
});

describe('ports', () => {
  it('sim-gateway --port 99999 is refused (it used to crash in listen)', async () => {
    await usage(['sim-gateway', '--data', bars, '--port', '99999'], /--port must be a port number 0\.\.65535, 0 for a free port \(got "99999"\)/);
  });

  it('dashboard --port 99999 is refused', async () => {
    await usage(['dashboard', '--results', tmp.dir, '--port', '99999'], /--port must be a port number 0\.\.65535/);
  });

  it('sim-gateway and dashboard on an address they cannot listen on are exit 2 naming --host (they used to crash)', async () => {
    await usage(
      ['sim-gateway', '--data', bars, '--port', '0', '--host', '999.1.1.1'],
      /--host 999\.1\.1\.1 --port 0: cannot listen there \(ENOTFOUND\)/,
    );
    tmp.file('summary.json', '{}');
    await usage(
      ['dashboard', '--results', tmp.dir, '--port', '0', '--host', '999.1.1.1'],
      /--host 999\.1\.1\.1 --port 0: cannot listen there \(ENOTFOUND\)/,
      {
        DASHBOARD_TOKEN: 'test-token',
      },
    );
  });

  it('parsePortOption accepts 0 and 65535 only as whole numbers', () => {
    expect(parsePortOption('--port', '0')).toBe(0);
    expect(parsePortOption('--port', '65535')).toBe(65535);
    expect(() => parsePortOption('--port', '80.5')).toThrow(/got "80\.5"/);
    expect(() => parsePortOption('--port', '')).toThrow(/port number/);
  });
});

describe('dates', () => {
  it('a reversed --from/--to is exit 2 against the options (it was exit 3 "no bars")', async () => {
    await usage(
      ['backtest', '--data', bars, '--train', '--from', '2024-02-01', '--to', '2024-01-01', '--out', join(tmp.dir, 'o')],
      /--from 2024-02-01 is after --to 2024-01-01 \(the range is reversed\)/,
    );
  });

  it('an impossible date names the option', async () => {
    await usage(
      ['train', '--data', bars, '--from', '2024-02-30', '--out', join(tmp.dir, 'm.json')],
      /--from must be a real calendar date \(got "2024-02-30": no such day\)/,
    );
    await usage(['drift', '--data', bars, '--model', 'x.json', '--to', '2023-04-31'], /--to must be a real calendar date/);
  });

  it('history download refuses an impossible --from before connecting', async () => {
    await usage(
      ['history', 'download', '--symbol', 'MNQ', '--from', '2025-02-30', '--to', '2025-03-01', '--out', join(tmp.dir, 'h.csv')],
      /--from must be a real date/,
    );
  });

  it('parseDateRangeOptions keeps absent bounds and equal bounds', () => {
    expect(parseDateRangeOptions({})).toEqual({ from: undefined, to: undefined });
    expect(parseDateRangeOptions({ from: '2024-02-29', to: '2024-02-29' })).toEqual({ from: '2024-02-29', to: '2024-02-29' });
    expect(() => parseCalendarDateOption('--day', '2023-02-29')).toThrow(/--day must be a real calendar date/);
  });
});

describe('time zones', () => {
  it('data inspect --timezone Mars/Base is exit 2 naming the option (it was exit 3 against the file)', async () => {
    await usage(['data', 'inspect', bars, '--timezone', 'Mars/Base'], /--timezone must be a time zone: .+ \(got "Mars\/Base"\)/);
  });

  it('sim-gateway --timezone +25:00 is refused', async () => {
    await usage(['sim-gateway', '--data', bars, '--timezone', '+25:00', '--port', '0'], /--timezone must be a time zone/);
  });
});

describe('files named by options', () => {
  it('kill --pid-file pointing at a large file quotes only its start', async () => {
    await usage(['kill', '--pid-file', bars], /bars\.csv: expected a process id, found "timestamp,open.{0,40}\.\.\." \(\d+ characters\)$/m);
  });

  it('journal show --journal a folder says it is a folder (it said "disk I/O error")', async () => {
    const r = await runCli(['journal', 'show', '--journal', tmp.dir], { cwd: tmp.dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/: is a folder, not a journal file/);
  });
});
