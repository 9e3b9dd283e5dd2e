// Builds the txbot bundle into dist/ with esbuild: the CLI (each command a lazily loaded chunk) and every
// module txbot loads by path at run time (worker threads, sandboxed processors: the names passed to
// workerEntry/codeModuleUrl in src/). `ensureBuilt()` rebuilds only when a source file is newer than the
// last build; builds are written to a temporary folder and swapped in atomically.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
export const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build-stamp');
/** Packages left to Node's resolver: native addons, packages that read their own files, and large server libraries. */
const EXTERNAL = [
  'better-sqlite3',
  'pino',
  'pino-pretty',
  'thread-stream',
  'fastify',
  'pg',
  'ioredis',
  'bullmq',
  'nodemailer',
  '@microsoft/signalr',
  'ws',
  'lightweight-charts',
  'prom-client',
  'cli-progress',
  'tsx',
  'esbuild',
  'sentiment',
];

/** Scripts of scripts/ also built into dist/scripts/ (run with `node scripts/runBuilt.mjs NAME`, no tsx start-up). */
export const SCRIPT_ENTRIES = ['hmmParity'];

function sourceFiles(dir = SRC, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Modules named in workerEntry('...') / codeModuleUrl('...') calls: each becomes its own entry point. */
function runtimeModules(files) {
  const names = new Set();
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:workerEntry|codeModuleUrl)\('([A-Za-z0-9/._-]+)'\)/g)) names.add(m[1]);
  }
  return [...names].sort();
}

/** Whether dist/ is missing or older than any file under src/ (or this script, or package.json). */
export function isStale() {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  const inputs = [
    ...sourceFiles(),
    ...SCRIPT_ENTRIES.map((name) => join(ROOT, 'scripts', `${name}.ts`)),
    fileURLToPath(import.meta.url),
    join(ROOT, 'package.json'),
  ];
  return inputs.some((f) => statSync(f).mtimeMs > built);
}

/** Builds dist/ now. */
export async function build({ quiet = false } = {}) {
  const { build: esbuild } = await import('esbuild');
  const files = sourceFiles();
  const modules = runtimeModules(files);
  for (const m of modules)
    if (!existsSync(join(SRC, `${m}.ts`))) throw new Error(`build: src/${m}.ts (named in a workerEntry/codeModuleUrl call) does not exist`);
  const tmp = `${DIST}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const t0 = performance.now();
  await esbuild({
    absWorkingDir: ROOT,
    entryPoints: [
      { in: 'src/cli/main.ts', out: 'cli/main' },
      ...modules.map((m) => ({ in: `src/${m}.ts`, out: m })),
      ...SCRIPT_ENTRIES.map((name) => ({ in: `scripts/${name}.ts`, out: `scripts/${name}` })),
    ],
    outdir: tmp,
    outbase: 'src',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    minify: true,
    keepNames: true,
    chunkNames: 'chunks/[name]-[hash]',
    external: EXTERNAL,
    banner: { js: "import { createRequire as __txbotCreateRequire } from 'node:module'; const require = __txbotCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  writeFileSync(join(tmp, '.build-stamp'), `${modules.join('\n')}\n`);
  const old = `${DIST}.old-${process.pid}`;
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(tmp, DIST);
  rmSync(old, { recursive: true, force: true });
  if (!quiet)
    process.stderr.write(
      `txbot: built ${relative(ROOT, DIST)}/ (${modules.length + 1 + SCRIPT_ENTRIES.length} entry points) in ${Math.round(performance.now() - t0)} ms\n`,
    );
}

/** Builds when stale, one process at a time (a lock folder); returns the dist folder. */
export async function ensureBuilt() {
  if (!isStale()) return DIST;
  const lock = `${DIST}.lock`;
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process builds: wait for it (a lock older than 2 minutes is from a killed build).
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // The lock vanished meanwhile: try again.
      }
      await new Promise((r) => setTimeout(r, 100));
      if (!isStale()) return DIST;
    }
  }
  try {
    if (isStale()) await build({ quiet: true });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return DIST;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await build();
