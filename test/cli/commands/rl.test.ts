// `txbot rl train | eval | walkforward` in-process on synthetic bars: progress lines, the same seed writing the same policy
// bytes, the comparison tables, the output files, and one-line usage errors.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticBars, writeBarsCsv } from '../../../src/data/index.ts';
import { hasStackTrace, runCli } from '../../support/cliHarness.ts';
import { useTempDir } from '../../support/tmp.ts';

const tmp = useTempDir('txbot-rl-cli-');

describe('txbot rl', () => {
  let csv = '';
  beforeAll(() => {
    csv = join(tmp.dir, 'bars.csv');
    writeBarsCsv(csv, generateSyntheticBars({ seed: 3, days: 130, startDate: '2024-01-02' }).series);
  });

  it('train prints PPO progress and writes the same policy bytes for the same seed; eval compares it with the rules', async () => {
    const args = (out: string) => [
      'rl',
      'train',
      '--data',
      csv,
      '--from',
      '2024-04-01',
      '--to',
      '2024-04-30',
      '--steps',
      '256',
      '--n-steps',
      '128',
      '--hmm-days',
      '50',
      '--seed',
      '7',
      '--out',
      out,
    ];
    const a = await runCli(args(join(tmp.dir, 'a.json')));
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/update 1 128\/256 steps \| episodes \d+ mean reward .* \| KL .* entropy .* value loss/);
    const b = await runCli(args(join(tmp.dir, 'b.json')));
    expect(b.code).toBe(0);
    expect(readFileSync(join(tmp.dir, 'b.json'), 'utf8')).toBe(readFileSync(join(tmp.dir, 'a.json'), 'utf8'));
    const ev = await runCli(['rl', 'eval', '--policy', join(tmp.dir, 'a.json'), '--data', csv, '--from', '2024-05-01', '--to', '2024-05-31']);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).not.toMatch(/IN-SAMPLE/);
    for (const p of ['rl', 'rules', 'flat', 'random']) expect(ev.stdout).toMatch(new RegExp(`^${p}\\s`, 'm'));
    const ins = await runCli(['rl', 'eval', '--policy', join(tmp.dir, 'a.json'), '--data', csv, '--from', '2024-04-15', '--to', '2024-05-15']);
    expect(ins.stdout).toMatch(/^IN-SAMPLE/);
  });

  it('walkforward prints the comparison table and the deflated Sharpe, and writes its files', async () => {
    const out = join(tmp.dir, 'wf');
    const r = await runCli([
      'rl',
      'walkforward',
      '--data',
      csv,
      '--from',
      '2024-04-01',
      '--hmm-days',
      '50',
      '--train-days',
      '15',
      '--validation-days',
      '5',
      '--test-days',
      '5',
      '--folds',
      '2',
      '--seeds',
      '2',
      '--steps',
      '256',
      '--n-steps',
      '128',
      '--checkpoints',
      '2',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rl walkforward: 2 fold\(s\) x 2 seed\(s\)/);
    expect(r.stdout).toMatch(/^rl\s+4\s/m);
    expect(r.stdout).toMatch(/^rules\s+2\s/m);
    expect(r.stdout).toMatch(/deflated Sharpe .* fold 1: DSR .* over 4 trials/);
    const samples = readFileSync(join(out, 'samples.csv'), 'utf8').trim().split('\n');
    expect(samples.length).toBe(1 + 2 * (2 + 2 * 2));
    expect(readFileSync(join(out, 'learning_curves.csv'), 'utf8')).toMatch(/^fold,seed,timesteps/);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).table).toHaveLength(4);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/<h2>Learning curves<\/h2>/);
    expect((html.match(/<polyline /g) ?? []).length).toBe(4);
  });

  it('bad input: one line naming the option, exit 2', async () => {
    const r = await runCli([
      'rl',
      'train',
      '--data',
      csv,
      '--from',
      '2024-04-01',
      '--to',
      '2024-04-30',
      '--steps',
      '0',
      '--out',
      join(tmp.dir, 'x.json'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--steps must be an integer >= 1/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const e = await runCli(['rl', 'eval', '--policy', join(tmp.dir, 'missing.json'), '--data', csv, '--from', '2024-05-01', '--to', '2024-05-31']);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/--policy .*missing\.json: no such file/);
  });
});
