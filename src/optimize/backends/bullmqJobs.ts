// BullMQ layout of a sweep: queue names, what a trial job carries, and the deterministic job-id scheme.
//
// Job ids are content hashes, so resubmitting the same sweep addresses the same jobs: BullMQ ignores an add
// whose id exists, and a finished child is counted as done for its (same) parent at once, so nothing reruns.
//   trial job id  = "trial-" + sha256(canonical {sweepId, dataSha256, trialName, windowIndex, segment, seed, params})
//   window job id = "window-" + sha256(canonical {sweepId, round, windowIndex, children: [trial job ids]})

import { canonicalJson, sha256Hex } from '../canonicalJson.ts';
import type { JsonValue, TrialInput } from '../types.ts';
import type { Sweep } from './trialBackend.ts';

/** Redis key prefix of txbot's queues (BullMQ's default is "bull"). */
export const DEFAULT_PREFIX = 'txbot';
/** Base name of the optimization queues: `<base>-trials` (children) and `<base>-windows` (parents). */
export const DEFAULT_QUEUE = 'optimize';
/** Environment variable carrying a worker's settings into its sandboxed processes. */
export const SANDBOX_ENV = 'TXBOT_OPTIMIZE_WORKER';

export const trialQueueName = (base: string): string => `${base}-trials`;
export const windowQueueName = (base: string): string => `${base}-windows`;

/** Data of one trial job: the trial, the data it must run on, and the sweep context. */
export interface TrialJobData {
  readonly sweepId: string;
  readonly dataSha256: string;
  /** Export name of the sweep's trial function; a worker configured with another one refuses the job. */
  readonly trialName: string;
  readonly trial: TrialInput;
  readonly context: JsonValue;
}

/** Settings a worker hands its sandboxed processes (JSON in SANDBOX_ENV). */
export interface SandboxSettings {
  readonly trial: { readonly module: string; readonly exportName: string };
  readonly datasets: Readonly<Record<string, JsonValue>>;
}

/** Deterministic id of a trial job. */
export function trialJobId(sweep: Pick<Sweep, 'sweepId' | 'dataSha256' | 'trial'>, t: TrialInput): string {
  const key = {
    sweepId: sweep.sweepId,
    dataSha256: sweep.dataSha256,
    trialName: sweep.trial.exportName,
    windowIndex: t.windowIndex,
    segment: t.segment,
    seed: t.seed,
    params: t.params as JsonValue,
  };
  return `trial-${sha256Hex(canonicalJson(key))}`;
}

/** Deterministic id of a window (parent) job of one round. */
export function windowJobId(sweep: Pick<Sweep, 'sweepId' | 'round'>, windowIndex: number, childIds: readonly string[]): string {
  return `window-${sha256Hex(canonicalJson({ sweepId: sweep.sweepId, round: sweep.round, windowIndex, children: [...childIds] }))}`;
}
