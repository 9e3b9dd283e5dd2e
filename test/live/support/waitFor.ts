// Waits for a child process's stdout to match a pattern (event-driven, no sleeping).

import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/** Resolves when the child's stdout matches `re`; rejects if the child exits first. */
export function waitFor(child: ChildProcessWithoutNullStreams, re: RegExp): Promise<RegExpExecArray> {
  return new Promise((ok, fail) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString();
      const m = re.exec(text);
      if (m) {
        child.stdout.off('data', onData);
        ok(m);
      }
    };
    child.stdout.on('data', onData);
    child.once('close', (code) => fail(new Error(`exited with ${code} before ${re}: ${text}`)));
  });
}
