// No command writes to one of its inputs or over a file it did not write: train --data X --out X used to
// replace the bar file with the model (exit 0). Output paths are checked before any work is done; each
// refusal is exit 2 naming the option, and the inputs are unchanged on disk.

import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { barsToCsv, generateSyntheticBars } from '../../src/data/index.ts';
import { regimeModelToJson } from '../../src/regime/index.ts';
import { checkOutputPath, RUN_OUTPUT_FOLDER } from '../../src/cli/outputPath.ts';
import { UsageError } from '../../src/domain/errors.ts';
import { hashPath, hasStackTrace, runCli } from '../support/cliHarness.ts';
import { fixtureModel } from '../support/modelFixture.ts';
import { useTempDir } from '../support/tmp.ts';

const tmp = useTempDir('txbot-outputs-');
const bars = tmp.file('bars.csv', barsToCsv(generateSyntheticBars({ seed: 5, days: 8 }).series));
const config = tmp.file('config.yaml', 'hmm:\n  restarts: 1\n  n_iter: 5\n');
const model = tmp.file('model.json', regimeModelToJson(fixtureModel()));
const inputs = [bars, config, model];
const hashes = (): string[] => inputs.map(hashPath);
const before = hashes();

async function refused(args: string[], message: RegExp): Promise<void> {
  const r = await runCli(args, { cwd: tmp.dir });
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(2);
  expect(hasStackTrace(r.stderr)).toBe(false);
  expect(hashes()).toEqual(before);
}

describe('an output that is an input', () => {
  it('train --data X --out X is refused and the bar file survives', async () => {
    await refused(
      ['train', '--data', bars, '--out', bars],
      /--out .*bars\.csv is the same file as --data .*bars\.csv: the command would overwrite its own input/,
    );
  });

  it('train --config X --out X is refused and the config survives', async () => {
    await refused(['train', '--data', bars, '--config', config, '--out', config], /--out .*config\.yaml is the same file as --config/);
  });

  it('the same file through a symlink or a hard link is still the same file', async () => {
    const sym = join(tmp.dir, 'alias.json');
    symlinkSync(bars, sym);
    await refused(['train', '--data', bars, '--out', sym], /is the same file as --data/);
    const hard = join(tmp.dir, 'hard.csv');
    linkSync(bars, hard);
    await refused(['train', '--data', hard, '--out', bars], /is the same file as --data/);
  });

  it('backtest with --model inside --out is refused (the folder is overwritten)', async () => {
    const out = join(tmp.dir, 'bt-with-model');
    mkdirSync(out);
    const inside = join(out, 'model.json');
    writeFileSync(inside, regimeModelToJson(fixtureModel()));
    const h = hashPath(inside);
    await refused(['backtest', '--data', bars, '--model', inside, '--out', out], /--model .*model\.json is inside the output folder --out/);
    expect(hashPath(inside)).toBe(h);
  });

  it('paper with --pid-file pointing at the model is refused before connecting', async () => {
    await refused(['paper', '--account', '1', '--model', model, '--pid-file', model], /--pid-file .*model\.json is the same file as --model/);
  });
});

describe('existing targets', () => {
  it('train refuses to replace a file that is not a txbot model', async () => {
    const other = tmp.file('notes.txt', 'keep me\n');
    await refused(['train', '--data', bars, '--out', other], /--out .*notes\.txt exists and is not a txbot model .*; refusing to replace it/);
    expect(hashPath(other)).not.toBe('absent');
  });

  it('train --out an existing folder is refused', async () => {
    mkdirSync(join(tmp.dir, 'models'), { recursive: true });
    await refused(['train', '--data', bars, '--out', join(tmp.dir, 'models')], /--out .*models is a folder \(expected the path of a file to write\)/);
  });

  it('backtest --out an existing file is refused (it used to crash with EEXIST)', async () => {
    await refused(['backtest', '--data', bars, '--train', '--out', bars], /--out .*bars\.csv is a file \(expected a folder\)|is the same file/);
    const plain = tmp.file('plain.txt', 'x');
    await refused(['backtest', '--data', bars, '--train', '--out', plain], /--out .*plain\.txt is a file \(expected a folder\)/);
  });

  it('a path below a file is refused (it used to crash with ENOTDIR)', async () => {
    await refused(
      ['backtest', '--data', bars, '--train', '--out', join(tmp.dir, 'plain.txt', 'sub')],
      /--out .*: .*plain\.txt is a file, not a folder/,
    );
    await refused(['train', '--data', bars, '--out', join(tmp.dir, 'plain.txt', 'm.json')], /plain\.txt is a file, not a folder/);
  });

  it('backtest --out a folder holding files txbot did not write is refused', async () => {
    const home = join(tmp.dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, 'thesis.docx'), 'x');
    await refused(['backtest', '--data', bars, '--train', '--out', home], /--out .*home is a folder with files txbot did not write \(thesis\.docx\)/);
    expect(readdirSync(home)).toEqual(['thesis.docx']);
  });

  it('an empty folder and an earlier output folder are accepted', () => {
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    expect(checkOutputPath('--out', empty, RUN_OUTPUT_FOLDER, [])).toBe(empty);
    const earlier = join(tmp.dir, 'earlier');
    mkdirSync(join(earlier, 'fixed'), { recursive: true });
    for (const f of ['summary.json', 'trades.csv', 'report.html', 'fixed/equity.csv', 'comparison.json']) writeFileSync(join(earlier, f), '{}');
    expect(checkOutputPath('--out', earlier, RUN_OUTPUT_FOLDER, [])).toBe(earlier);
    writeFileSync(join(earlier, 'fixed', 'mine.xlsx'), 'x');
    expect(() => checkOutputPath('--out', earlier, RUN_OUTPUT_FOLDER, [])).toThrow(/files txbot did not write \(fixed\/mine\.xlsx\)/);
  });

  it('backtest runs again into its own output folder (every file it writes is one it may replace)', async () => {
    const mnq = tmp.file('mnq_bars.csv', barsToCsv(generateSyntheticBars({ seed: 5, days: 8 }).series));
    const out = join(tmp.dir, 'again');
    const args = ['backtest', '--data', mnq, '--model', model, '--config', config, '--decisions', 'all', '--out', out];
    const first = await runCli(args, { cwd: tmp.dir });
    expect(first.code, first.stderr).toBe(0);
    const written = readdirSync(out).sort();
    expect(written).toEqual(expect.arrayContaining(['decisions.jsonl', 'label-quality.json', 'report.html', 'summary.json', 'trades.csv']));
    const second = await runCli(args, { cwd: tmp.dir });
    expect(second.code, second.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(written);
  });

  it('data synth replaces its own earlier output but not a vendor file with the same header', async () => {
    const synth = join(tmp.dir, 'synth.csv');
    expect((await runCli(['data', 'synth', '--days', '2', '--out', synth], { cwd: tmp.dir })).code).toBe(0);
    expect((await runCli(['data', 'synth', '--days', '3', '--out', synth], { cwd: tmp.dir })).code).toBe(0);
    const vendor = tmp.file('vendor.csv', 'timestamp,open,high,low,close,volume\n2023-11-19 18:00:00,1,2,0.5,1.5,10\n');
    await refused(['data', 'synth', '--out', vendor], /--out .*vendor\.csv exists and is not a bar CSV written by txbot/);
    expect(hashPath(vendor)).not.toBe('absent');
  });
});

/** Makes a folder unwritable even for root (immutable attribute); null when that is impossible here. */
function lockFolder(dir: string): (() => void) | null {
  try {
    if (process.getuid?.() !== 0) {
      execFileSync('chmod', ['0555', dir]);
      return () => execFileSync('chmod', ['0755', dir]);
    }
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
    return () => execFileSync('chattr', ['-i', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
}

describe('an unwritable folder', () => {
  const undo: (() => void)[] = [];
  afterAll(() => undo.forEach((u) => u()));

  it('is exit 2 naming the option and the folder, before any work (it used to crash)', async (ctx) => {
    const ro = join(tmp.dir, 'ro');
    mkdirSync(ro);
    const unlock = lockFolder(ro);
    if (!unlock) return ctx.skip('neither chmod (non-root) nor chattr +i (root) can make a folder unwritable here');
    undo.push(unlock);
    await refused(['train', '--data', bars, '--out', join(ro, 'm.json')], /--out .*m\.json: cannot write in the folder .*ro \((EACCES|EPERM)\)/);
    await refused(['backtest', '--data', bars, '--train', '--out', join(ro, 'bt')], /--out .*bt: cannot write in the folder .*ro \((EACCES|EPERM)\)/);
  });
});

describe('checkOutputPath', () => {
  it('throws UsageError for an empty path', () => {
    expect(() => checkOutputPath('--out', ' ', RUN_OUTPUT_FOLDER, [])).toThrow(UsageError);
  });
});
