// Runs a script of scripts/ from the built bundle (dist/scripts/NAME.js, see SCRIPT_ENTRIES in build.mjs),
// building first when the bundle is stale: no tsx start-up. Usage: node scripts/runBuilt.mjs NAME [ARGS...]
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, SCRIPT_ENTRIES } from './build.mjs';

const name = process.argv[2];
if (!name || !SCRIPT_ENTRIES.includes(name)) {
  process.stderr.write(`usage: node scripts/runBuilt.mjs NAME [ARGS...] (NAME one of ${SCRIPT_ENTRIES.join(', ')})\n`);
  process.exit(2);
}
// The script reads its own arguments from process.argv.slice(2), as when run with tsx.
process.argv.splice(2, 1);
const dist = await ensureBuilt();
process.env.TXBOT_DIST = dist;
await import(pathToFileURL(join(dist, 'scripts', `${name}.js`)).href);
