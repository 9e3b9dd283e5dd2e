// Imports an env factory from a module path or URL, so worker threads and the main thread build the same envs.

import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EnvFactory } from './envTypes.ts';

/** Where an env factory lives and the serialisable options it is called with. */
export interface EnvModuleSpec<Options = unknown> {
  /** A file path (relative paths resolve against the working directory) or a file: URL of an ES module. */
  readonly module: string;
  /** The export holding the factory (default 'createEnv'). */
  readonly exportName?: string;
  /** Passed to the factory; must be structured-cloneable for worker threads. */
  readonly options: Options;
}

/** The module as an importable URL. */
export function envModuleUrl(module: string): string {
  if (/^(file|data|node):/.test(module)) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
}

/** Imports the module and returns its factory; throws a TypeError naming the module when the export is not a function. */
export async function loadEnvFactory<Options>(module: string, exportName = 'createEnv'): Promise<EnvFactory<Options>> {
  const mod = (await import(envModuleUrl(module))) as Record<string, unknown>;
  const factory = mod[exportName];
  if (typeof factory !== 'function')
    throw new TypeError(`${module}: export '${exportName}' is not an env factory function (found ${typeof factory})`);
  return factory as EnvFactory<Options>;
}
