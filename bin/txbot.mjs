#!/usr/bin/env node
// txbot command-line entry: runs the built bundle (dist/), building it first when it is missing or older
// than the sources (scripts/build.mjs), and exits quietly when stdout is closed early (`| head`).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { ensureBuilt } from '../scripts/build.mjs';

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
// V8's allocation-site pretenuring, fed a noisy survival sample, sometimes starts allocating the engine's
// short-lived per-bar objects straight in the old space, which then fills with garbage: a whole-file
// backtest then took 1.4-1.6x the CPU and 430-480 MB instead of ~270 MB in about half the runs (BENCHMARKS.md).
setFlagsFromString('--no-allocation-site-pretenuring');
const dist = await ensureBuilt();
process.env.TXBOT_DIST = dist;
const { main } = await import(pathToFileURL(join(dist, 'cli', 'main.js')).href);
process.exitCode = await main(process.argv);
