// Whole-process benchmark: `txbot backtest` as a user runs it on the 15-year ES 5-minute file (start-up,
// loading the gz file, the run, every output and the report), wall time, CPU time and peak RSS.
// Run: npm run bench:cli [-- --decisions all|changes|none]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataFile } from '../src/data/index.ts';
import { figure } from './support/figure.ts';

const FILE = 'es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz';
const file = sharedDataFile(FILE);
if (!file) {
  console.log(`bench:cli needs ../shared/data/${FILE}; not found, nothing measured`);
  process.exit(0);
}
const args = process.argv.slice(2);
const dArg = args.indexOf('--decisions');
const decisions = dArg >= 0 ? args[dArg + 1]! : 'changes';
const bin = join(import.meta.dirname, '..', 'bin', 'txbot.mjs');
const dir = mkdtempSync(join(tmpdir(), 'txbot-bench-cli-'));
const TIME = '/usr/bin/time';

/** Runs a command; with GNU time: user+sys seconds and peak RSS of the child. */
function run(cmd: string[]): { wallS: number; cpuS: number | null; rssMb: number | null } {
  const timed = existsSync(TIME);
  const t0 = performance.now();
  const r = timed
    ? spawnSync(TIME, ['-f', '##time %U %S %M', process.execPath, ...cmd], { encoding: 'utf8' })
    : spawnSync(process.execPath, cmd, { encoding: 'utf8' });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const m = /##time (\S+) (\S+) (\d+)/.exec(r.stderr);
  return { wallS, cpuS: m ? Number(m[1]) + Number(m[2]) : null, rssMb: m ? Number(m[3]) / 1024 : null };
}

try {
  const model = join(dir, 'es2019.json');
  run([bin, 'train', '--data', file, '--from', '2019-01-01', '--to', '2019-12-31', '--out', model]);
  const out = join(dir, 'bt');
  const runs = [0, 1, 2].map(() => run([bin, 'backtest', '--data', file, '--model', model, '--decisions', decisions, '--out', out]));
  runs.sort((a, b) => a.wallS - b.wallS);
  const med = runs[1]!;
  const decisionsMb = existsSync(join(out, 'decisions.jsonl')) ? statSync(join(out, 'decisions.jsonl')).size / 1e6 : 0;
  console.log(
    `txbot backtest, ES 2008-2023 (1,073,624 bars), --decisions ${decisions}: wall ${med.wallS.toFixed(2)} s (median of 3), ` +
      `CPU ${med.cpuS?.toFixed(2) ?? '?'} s, peak RSS ${med.rssMb?.toFixed(0) ?? '?'} MB, decisions.jsonl ${decisionsMb.toFixed(1)} MB`,
  );
  figure(`backtest whole process wall (decisions ${decisions})`, med.wallS, 's');
  if (med.cpuS !== null) figure(`backtest whole process CPU (decisions ${decisions})`, med.cpuS, 's');
  if (med.rssMb !== null) figure(`backtest whole process peak RSS (decisions ${decisions})`, med.rssMb, 'MB');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
