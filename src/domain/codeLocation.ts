// Where txbot's own code runs from: the TypeScript sources (through the tsx loader) or the built bundle
// (dist/, scripts/build.mjs; bin/txbot.mjs sets TXBOT_DIST). The one place that knows: modules loaded by
// path at run time (worker threads, sandboxed processors, trial and environment factories) are named here
// relative to src/ without an extension, e.g. `app/walkForwardWorker`.

import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** src/ of this checkout (meaningful only when running from the sources). */
const SOURCE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The built bundle's folder when running from it, else null. */
export function builtRoot(env: NodeJS.ProcessEnv = process.env): string | null {
  const d = env.TXBOT_DIST;
  return d ? resolve(d) : null;
}

/** The repository (or installed package) root. */
export function repoRoot(): string {
  const b = builtRoot();
  return b ? resolve(b, '..') : resolve(SOURCE_ROOT, '..');
}

/** file:// URL of txbot module `name` (relative to src/, no extension) in the code that is running. */
export function codeModuleUrl(name: string): string {
  const b = builtRoot();
  return pathToFileURL(b ? join(b, `${name}.js`) : join(SOURCE_ROOT, `${name}.ts`)).href;
}

/**
 * How to start a worker thread running txbot module `name`: from the bundle the module itself; from the
 * sources bin/tsWorker.mjs, which registers the TypeScript loader and imports `workerData.module`.
 */
export function workerEntry(name: string): { readonly entry: string; readonly module: string } {
  const module = codeModuleUrl(name);
  return { entry: builtRoot() ? fileURLToPath(module) : join(repoRoot(), 'bin', 'tsWorker.mjs'), module };
}

/** Node arguments a child process needs to run txbot code: the tsx loader when running from the sources. */
export function childLoaderArgs(execArgv: readonly string[] = process.execArgv): string[] {
  const args = execArgv.filter((a) => !a.startsWith('--inspect'));
  if (builtRoot() || args.some((a) => a.includes('tsx'))) return args;
  return [...args, '--import', import.meta.resolve('tsx')];
}
