#!/usr/bin/env node
// txbot command-line entry: runs the built bundle (dist/), building it first when it is missing or older
// than the sources (scripts/build.mjs), and exits quietly when stdout is closed early (`| head`).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from '../scripts/build.mjs';

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const dist = await ensureBuilt();
process.env.TXBOT_DIST = dist;
const { main } = await import(pathToFileURL(join(dist, 'cli', 'main.js')).href);
process.exitCode = await main(process.argv);
