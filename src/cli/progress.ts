// Progress reporting for long work: a bar on a TTY, plain periodic lines otherwise.

import cliProgress from 'cli-progress';

/** Receives progress updates: `update(done)` with done <= total. */
export interface Progress {
  update(done: number, note?: string): void;
  stop(): void;
}

/** A progress reporter writing to stderr. Plain mode prints at most every 10%. */
export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY && total > 0) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% {value}/{total} {note}`, stream, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { note: '' });
    return {
      update: (done, note) => bar.update(done, { note: note ?? '' }),
      stop: () => bar.stop(),
    };
  }
  let lastDecile = -1;
  return {
    update(done, note) {
      const decile = total > 0 ? Math.floor((done / total) * 10) : 0;
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${label}: ${total > 0 ? Math.round((done / total) * 100) : 0}% (${done}/${total})${note ? ` ${note}` : ''}\n`);
      }
    },
    stop() {},
  };
}

/** Progress that does nothing (library/test use). */
export const NO_PROGRESS: Progress = { update() {}, stop() {} };
