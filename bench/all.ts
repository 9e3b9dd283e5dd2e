// `npm run bench`: runs every benchmark one after the other and prints one table of their figures
// (`##figure` lines); `--record` appends the table, with date and commit, to BENCHMARKS.md's history.
// Run: npm run bench [-- --only backtest,startup] [-- --skip rl] [-- --record]

import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ALL = ['startup', 'cli', 'backtest', 'hmm', 'strategy', 'live', 'journal', 'optimize', 'rl', 'takeover'];
const args = process.argv.slice(2);
const listArg = (name: string): string[] | null => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]!.split(',') : null;
};
const only = listArg('--only');
const skip = listArg('--skip') ?? [];
const unknown = [...(only ?? []), ...skip].filter((b) => !ALL.includes(b));
if (unknown.length) {
  console.error(`npm run bench: unknown benchmark(s) ${unknown.join(', ')} (known: ${ALL.join(', ')})`);
  process.exit(2);
}
const chosen = ALL.filter((b) => (only ? only.includes(b) : true) && !skip.includes(b));
const root = join(import.meta.dirname, '..');
interface Figure {
  readonly bench: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}
const figures: Figure[] = [];
const failed: string[] = [];

function runOne(bench: string): Promise<void> {
  return new Promise((resolve) => {
    process.stderr.write(`\n=== bench:${bench}\n`);
    const child = spawn('npm', ['run', '-s', `bench:${bench}`], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let rest = '';
    child.stdout.on('data', (b: Buffer) => {
      rest += b.toString();
      const lines = rest.split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('##figure ')) {
          const f = JSON.parse(line.slice(9)) as Omit<Figure, 'bench'>;
          figures.push({ bench, ...f });
        } else process.stderr.write(`${line}\n`);
      }
    });
    child.on('close', (code) => {
      if (code !== 0) failed.push(`${bench} (exit ${code})`);
      resolve();
    });
  });
}

for (const b of chosen) await runOne(b);
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
const table = [
  `| date (UTC) | commit | bench | figure | value | unit |`,
  '|---|---|---|---|---:|---|',
  ...figures.map((f) => `| ${date} | ${commit} | ${f.bench} | ${f.name} | ${f.value} | ${f.unit} |`),
].join('\n');
console.log(`\n${table}`);
if (failed.length) console.log(`\nfailed: ${failed.join(', ')}`);
if (args.includes('--record')) {
  const path = join(root, 'BENCHMARKS.md');
  const hasHistory = readFileSync(path, 'utf8').includes('\n## History\n');
  const rows = table.split('\n').slice(2).join('\n');
  appendFileSync(path, hasHistory ? `${rows}\n` : `\n## History\n\nRows appended by \`npm run bench -- --record\`.\n\n${table}\n`);
  console.log(`recorded in ${path}`);
}
process.exitCode = failed.length ? 1 : 0;
