// Sandboxed BullMQ processor (runs in a child process of a worker): checks the job's data sha256 and trial
// name against the worker's settings, runs the trial, and fails non-retryable errors as UnrecoverableError.

import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import type { TrialFunction, TrialResult } from '../types.ts';
import { SANDBOX_ENV, type SandboxSettings, type TrialJobData } from './bullmqJobs.ts';
import { attemptTrial, failureReason, isRetryable, loadTrialFunction } from './trialExecution.ts';

let settings: SandboxSettings | null = null;
let fn: Promise<TrialFunction> | null = null;

function readSettings(): SandboxSettings {
  const raw = process.env[SANDBOX_ENV];
  if (!raw) throw new UnrecoverableError(`WORKER_MISCONFIGURED: ${SANDBOX_ENV} is not set in the sandboxed process`);
  return JSON.parse(raw) as SandboxSettings;
}

/** Runs one trial job; the return value (metrics + pointer) is what BullMQ stores for the parent. */
export default async function processTrialJob(job: SandboxedJob<TrialJobData, TrialResult>): Promise<TrialResult> {
  settings ??= readSettings();
  const d = job.data;
  if (d.trialName !== settings.trial.exportName) {
    throw new UnrecoverableError(`TRIAL_MISMATCH: job ${job.id} runs trial "${d.trialName}" but this worker runs "${settings.trial.exportName}"`);
  }
  if (!Object.hasOwn(settings.datasets, d.dataSha256)) {
    throw new UnrecoverableError(
      `DATA_SHA_MISMATCH: job ${job.id} needs data sha256 ${d.dataSha256} but this worker holds ${Object.keys(settings.datasets).join(', ') || 'no data'}`,
    );
  }
  try {
    fn ??= loadTrialFunction(settings.trial);
    return await attemptTrial(await fn, d.trial, { dataSha256: d.dataSha256, data: settings.datasets[d.dataSha256]!, context: d.context });
  } catch (e) {
    const reason = failureReason(e);
    // BullMQ keeps only the message (failedReason); UnrecoverableError's constructor takes no cause.
    if (!isRetryable(e)) throw new UnrecoverableError(reason);
    throw new Error(reason, { cause: e });
  }
}
