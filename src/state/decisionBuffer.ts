// Cheap per-bar decision journaling: decisions collect in memory and go to the journal as one
// batched transaction every `maxBuffered` bars, or when flushed (before an order, at session end).

import type { Journal } from './journal.ts';
import type { DecisionRecord } from './types.ts';

/** Options of a DecisionBuffer. */
export interface DecisionBufferOptions {
  /** Decisions held before an automatic flush; default 60 (an hour of 1-minute bars). */
  readonly maxBuffered?: number;
}

/**
 * Batches `recordDecisions` calls. Decisions not yet flushed are lost if the process dies, which
 * is acceptable for per-bar diagnostics (orders and fills never go through here).
 * @example const decisions = new DecisionBuffer(journal); await decisions.add(d); ... await decisions.flush();
 */
export class DecisionBuffer {
  private buffered: DecisionRecord[] = [];
  private readonly maxBuffered: number;

  constructor(
    private readonly journal: Journal,
    options: DecisionBufferOptions = {},
  ) {
    this.maxBuffered = Math.max(1, options.maxBuffered ?? 60);
  }

  /** Decisions waiting for the next flush. */
  get pending(): number {
    return this.buffered.length;
  }

  /** Buffers one decision; flushes (and waits for it) when the buffer is full. */
  async add(decision: DecisionRecord): Promise<void> {
    this.buffered.push(decision);
    if (this.buffered.length >= this.maxBuffered) await this.flush();
  }

  /**
   * Writes every buffered decision in one transaction. If the journal rejects the batch, the
   * decisions stay buffered (ahead of newer ones) and the error is rethrown.
   */
  async flush(): Promise<void> {
    if (this.buffered.length === 0) return;
    const batch = this.buffered;
    this.buffered = [];
    try {
      await this.journal.recordDecisions(batch);
    } catch (e) {
      this.buffered = batch.concat(this.buffered);
      throw e;
    }
  }
}
