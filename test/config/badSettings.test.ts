// Settings that used to pass and silently change results, crash, or be blamed on the wrong source:
// each is now a ConfigError (exit 2) naming the key (and the TXBOT__ variable that set it).

import { describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../../src/config/index.ts';
import { describeValue } from '../../src/config/describeValue.ts';
import { parseZone, zoneOffsetMinutes } from '../../src/domain/time.ts';
import { ConfigError } from '../../src/domain/errors.ts';
import { hasStackTrace, runCli } from '../support/cliHarness.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir('txbot-bad-settings-');

function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('time zones', () => {
  it('refuses fixed offsets beyond ±14:00 and minutes above 59 (+25:00 used to move every timestamp by 25 h)', () => {
    expect(parseZone('+25:00')).toBeNull();
    expect(parseZone('-14:01')).toBeNull();
    expect(parseZone('+05:75')).toBeNull();
    expect(parseZone('+14:00')).toEqual({ stdOffsetMin: 840, usDst: false });
    expect(zoneOffsetMinutes('-03:30', 0)).toBe(-210);
  });

  it('data.timezone "+25:00" fails config check naming the key and the value', () => {
    const e = configError(() => validateConfig({ data: { timezone: '+25:00' } }, 'c.yaml'));
    expect(e.problems).toEqual([expect.stringMatching(/^data\.timezone: must be a time zone: .+ \(got "\+25:00"\)$/)]);
  });

  it('an unknown zone name fails config check (it used to say OK)', async () => {
    const file = tmp.file('mars.yaml', 'data:\n  timezone: Mars/Base\n');
    const r = await runCli(['config', 'check', file], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('data.timezone: must be a time zone');
    expect(r.stderr).toContain('(got "Mars/Base")');
    expect(r.stdout).not.toContain('OK');
  });
});

describe('YAML', () => {
  it('an alias bomb is a ConfigError from config check itself, not exit 70', async () => {
    const rows = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
    ])
      rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    const file = tmp.file('bomb.yaml', `${rows.join('\n')}\n`);
    const r = await runCli(['config', 'check', file], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bomb\.yaml: the YAML cannot be expanded safely/);
    expect(r.stderr).toMatch(/more than 100 alias uses/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('TXBOT__ environment overrides', () => {
  it('a bad override is blamed on its variable, not on config.yaml', () => {
    const file = tmp.file('config.yaml', 'risk:\n  daily_loss_limit: 900\n');
    const e = configError(() => loadConfig({ file, env: { TXBOT__HMM__N_STATES: '9' } }));
    expect(e.message).toMatch(/^environment variable TXBOT__HMM__N_STATES \(over .*config\.yaml\): 1 problem/);
    expect(e.problems).toEqual([expect.stringMatching(/^hmm\.n_states: .+\(got 9\) \[set by environment variable TXBOT__HMM__N_STATES\]$/)]);
  });

  it('a misspelt override key names the variable', () => {
    const e = configError(() => loadConfig({ cwd: tmp.dir, env: { TXBOT__RISK__DAILY_LOSS_LIMT: '800' } }));
    expect(e.problems).toEqual([expect.stringContaining('risk.daily_loss_limt: unknown key')]);
    expect(e.problems[0]).toContain('TXBOT__RISK__DAILY_LOSS_LIMT');
  });

  it('problems of the file and of the environment are told apart', () => {
    const file = tmp.file('mixed.yaml', 'hmm:\n  covariance: round\n');
    const e = configError(() => loadConfig({ file, env: { TXBOT__RISK__MAX_LOSS_LIMIT: 'lots' } }));
    expect(e.message).toMatch(/mixed\.yaml and environment variable TXBOT__RISK__MAX_LOSS_LIMIT: 2 problem/);
    expect(e.problems.find((p) => p.startsWith('hmm.covariance'))).not.toContain('environment');
    expect(e.problems.find((p) => p.startsWith('risk.max_loss_limit'))).toContain('TXBOT__RISK__MAX_LOSS_LIMIT');
  });
});

describe('values in messages', () => {
  it('shows Infinity and NaN by name, not as JSON null', () => {
    expect(describeValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue([1, Number.NEGATIVE_INFINITY])).toBe('[1,-Infinity]');
    const e = configError(() => loadConfig({ cwd: tmp.dir, env: { TXBOT__RISK__DAILY_LOSS_LIMIT: '.inf' } }));
    expect(e.problems[0]).toContain('(got Infinity)');
  });
});

describe('cross-field rules', () => {
  it('walk_forward.step_days below test_days is refused (test windows would overlap)', () => {
    const e = configError(() => validateConfig({ walk_forward: { test_days: 10, step_days: 5 } }, 'c'));
    expect(e.problems).toEqual([expect.stringMatching(/^walk_forward\.step_days: must be >= walk_forward\.test_days 10.+\(got 5\)$/)]);
  });
});

describe('seam combinations not built', () => {
  it('shared state (state.kind redis) with several enabled instruments is refused, one is accepted', () => {
    const instruments = (validateConfig({}, 'c').instruments as { symbol: string }[]).map((i) => ({
      ...i,
      enabled: i.symbol === 'MNQ' || i.symbol === 'MES',
    }));
    const e = configError(() => validateConfig({ state: { kind: 'redis', url: 'redis://127.0.0.1:6379' }, instruments }, 'c'));
    expect(e.problems).toEqual([expect.stringMatching(/^state\.kind: redis .*not built yet \(instruments MNQ, MES are enabled.*\(got "redis"\)$/)]);
    expect(() =>
      validateConfig({ state: { kind: 'redis', url: 'redis://127.0.0.1:6379' }, instruments, backtest: { instrument: 'MES' } }, 'c'),
    ).not.toThrow();
    expect(() => validateConfig({ state: { kind: 'memory' }, instruments }, 'c')).not.toThrow();
  });
});

describe('config check reads the files a config names', () => {
  it('a missing VIX file or calendar file is exit 2 naming the key', async () => {
    const file = tmp.file('files.yaml', 'filters:\n  vix:\n    file: no-such-vix.csv\n  news:\n    calendar_file: cal/missing.csv\n');
    const r = await runCli(['config', 'check', file], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/filters\.vix\.file: the VIX file not found at .*no-such-vix\.csv/);
    expect(r.stderr).toMatch(/filters\.news\.calendar_file: the calendar file not found at .*cal\/missing\.csv/);
  });

  it('a VIX file that does not parse is exit 2 with the reader message', async () => {
    tmp.file('bad-vix.csv', 'date,close\n2024-01-02,abc\n');
    const file = tmp.file('badvix.yaml', 'filters:\n  vix:\n    file: bad-vix.csv\n');
    const r = await runCli(['config', 'check', file], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/filters\.vix\.file: .*bad-vix\.csv line 2: close must be a positive number \(got "abc"\)/);
  });

  it('existing files pass', async () => {
    tmp.file('vix.csv', 'date,open,high,low,close\n2024-01-02,13,14,12,13.5\n');
    tmp.file('cal.csv', 'datetime_et,event,tier\n2024-01-05 08:30,NFP,big\n');
    const file = tmp.file('okfiles.yaml', 'filters:\n  vix:\n    file: vix.csv\n  news:\n    calendar_file: cal.csv\n');
    const r = await runCli(['config', 'check', file], { cwd: tmp.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK: /);
  });
});
