// A run folder's writer that records the path of every file it writes (the jobs return them to the CLI).

import { outputDir } from '../report/index.ts';

/** Writes `name` into `outDir` and appends its path to `files`; `path(name)` names a file without writing it. */
export function recordingWriter(outDir: string, files: string[]): { write(name: string, text: string): void; path(name: string): string } {
  const out = outputDir(outDir);
  return {
    write(name, text) {
      out.write(name, text);
      files.push(out.path(name));
    },
    path: (name) => out.path(name),
  };
}
