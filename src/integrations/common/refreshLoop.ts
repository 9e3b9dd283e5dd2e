// Background refresh driver: a timer ticks, the source decides on its clock whether a refresh is due, one runs at a time.

import type { Logger } from '../../log/index.ts';

/** Settings of a RefreshLoop; `isDue` and `run` belong to the source. */
export interface RefreshLoopOptions {
  readonly name: string;
  readonly nowMs: () => number;
  /** How often the timer asks `isDue` (wall-clock ms). */
  readonly tickMs: number;
  readonly isDue: (nowMs: number) => boolean;
  /** One refresh; must handle its own failures (a rejection is logged and swallowed). */
  readonly run: () => Promise<void>;
  readonly logger: Logger;
}

/**
 * Runs `run` whenever `isDue(now)` holds at a tick, never two at once, never on the caller's stack:
 * queries of the source read its in-memory snapshot and never wait for a refresh. Tests call `tick()`
 * with a fake clock instead of starting the timer.
 */
export class RefreshLoop {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly opts: RefreshLoopOptions) {}

  /** Starts the timer (unref'd: it never keeps the process alive) and ticks once at once. */
  start(): void {
    if (this.timer || this.stopped) return;
    // tick() never rejects
    this.timer = setInterval(() => void this.tick(), this.opts.tickMs);
    this.timer.unref();
    void this.tick();
  }

  /** Refreshes when due and idle; resolves when that refresh ends (true) or at once (false). Never rejects. */
  async tick(): Promise<boolean> {
    if (this.stopped || this.inFlight) return false;
    let due: boolean;
    try {
      due = this.opts.isDue(this.opts.nowMs());
    } catch (e) {
      this.opts.logger.error({ loop: this.opts.name, err: e instanceof Error ? e.message : String(e) }, 'refresh schedule failed');
      return false;
    }
    if (!due) return false;
    await this.runNow();
    return true;
  }

  /** Runs one refresh now (or joins the one in flight). Never rejects. */
  runNow(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.opts
      .run()
      .catch((e: unknown) => this.opts.logger.error({ loop: this.opts.name, err: e instanceof Error ? e.message : String(e) }, 'refresh failed'))
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  /** Stops the timer and waits for a refresh in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }
}
