// Benchmark of CLI start-up: wall time of whole `txbot --help` and `txbot config check` processes (the
// built bundle, rebuilt first if stale), median and worst of N runs, beside a bare `node -e ''`.
// Run: npm run bench:startup [-- --runs N]

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { figure } from './support/figure.ts';

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 11;
const bin = join(import.meta.dirname, '..', 'bin', 'txbot.mjs');

function time(cmd: string[]): { medianMs: number; worstMs: number } {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, cmd, { encoding: 'utf8' });
    ms.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: ms[Math.floor(ms.length / 2)]!, worstMs: ms.at(-1)! };
}

spawnSync(process.execPath, [bin, '--help']); // build if stale, outside the timed runs
const rows: [string, string[]][] = [
  ["node -e ''", ['-e', '']],
  ['txbot --help', [bin, '--help']],
  ['txbot config check', [bin, 'config', 'check']],
];
console.log(`| command | median | worst (of ${runs}) |`);
console.log('|---|---|---|');
for (const [label, cmd] of rows) {
  const t = time(cmd);
  console.log(`| \`${label}\` | ${Math.round(t.medianMs)} ms | ${Math.round(t.worstMs)} ms |`);
  figure(`${label} median wall`, t.medianMs, 'ms');
}
