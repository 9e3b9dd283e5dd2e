// Locates the development market data folder (../shared/data beside the repo; TXBOT_SHARED_DATA overrides).

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '../domain/index.ts';

const REPO_ROOT = repoRoot();

/** The shared data folder, or null when it is absent (then callers fall back to synthetic data). */
export function sharedDataDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = env.TXBOT_SHARED_DATA ? resolve(env.TXBOT_SHARED_DATA) : join(REPO_ROOT, '..', 'shared', 'data');
  return existsSync(dir) ? dir : null;
}

/** Path of a named file in the shared data folder, or null when the folder or file is absent. */
export function sharedDataFile(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = sharedDataDir(env);
  if (!dir) return null;
  const p = join(dir, name);
  return existsSync(p) ? p : null;
}
