// Temporary directories and files for tests, removed after the test file finishes.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Creates a temp directory removed after all tests of the calling file. */
export function useTempDir(prefix = 'txbot-test-'): { dir: string; file(name: string, content: string | Buffer): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(name: string, content: string | Buffer): string {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
  };
}
