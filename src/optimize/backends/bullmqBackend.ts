// Distributed backend on BullMQ/Redis: a sweep becomes one flow per window (a parent job whose children are
// the window's trials), results come back from the parents, progress is polled across all workers.
//
// Failure policy: children carry `ignoreDependencyOnFailure`. A child that fails after all its attempts
// moves to the parent's ignored failures (read back with getIgnoredChildrenFailures) and the parent
// proceeds once nothing is pending. `failParentOnFailure` would fail the whole window for one bad trial
// and `removeDependencyOnFailure` would forget the failure; `continueParentOnFailure` would start the
// parent while siblings still run. Retries: `attempts` with exponential backoff; non-retryable errors
// are thrown as UnrecoverableError by the sandboxed processor and fail at once.

import { FlowProducer, Job, Queue, Worker, type FlowJob } from 'bullmq';
import { Redis } from 'ioredis';
import { OptimizeError } from '../optimizeError.ts';
import type { TrialOutcome, TrialResult } from '../types.ts';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, trialJobId, trialQueueName, windowJobId, windowQueueName, type TrialJobData } from './bullmqJobs.ts';
import { assertDistinctTrials, type ProgressCallback, type Sweep, type TrialBackend } from './trialBackend.ts';
import { normalizeTrialResult } from './trialExecution.ts';

export interface BullmqBackendOptions {
  /** Redis URL, e.g. redis://127.0.0.1:6379. */
  readonly queueUrl: string;
  readonly prefix?: string;
  readonly queueName?: string;
  /** How often window states and progress are read (default 100 ms). */
  readonly pollMs?: number;
  /** Give up when a sweep has not finished after this long (default: wait for workers indefinitely). */
  readonly timeoutMs?: number;
  /** Errors of the window-job worker (lost connection, ...); BullMQ reconnects by itself. Default: one line on stderr. */
  readonly onError?: (e: Error) => void;
}

interface WindowPlan {
  readonly id: string;
  /** Sweep position of each child, by child job id. */
  readonly children: Map<string, number>;
}

/** Groups the sweep's trials into one parent job per window. */
function planWindows(sweep: Sweep): WindowPlan[] {
  const byWindow = new Map<number, Map<string, number>>();
  sweep.trials.forEach((t, i) => {
    const children = byWindow.get(t.windowIndex) ?? new Map<string, number>();
    byWindow.set(t.windowIndex, children);
    children.set(trialJobId(sweep, t), i);
  });
  return [...byWindow.entries()].map(([w, children]) => ({ id: windowJobId(sweep, w, [...children.keys()]), children }));
}

/** Creates the BullMQ backend; it processes the (light) window jobs itself, workers started by runWorker run the trials. */
export function createBullmqBackend(o: BullmqBackendOptions): TrialBackend {
  const prefix = o.prefix ?? DEFAULT_PREFIX;
  const base = o.queueName ?? DEFAULT_QUEUE;
  const pollMs = o.pollMs ?? 100;
  const connection = new Redis(o.queueUrl, { maxRetriesPerRequest: null });
  const flows = new FlowProducer({ connection, prefix });
  const trials = new Queue(trialQueueName(base), { connection, prefix });
  const windows = new Queue(windowQueueName(base), { connection, prefix });
  // A window job runs once all its children are done or failed; it only counts them.
  const windowWorker = new Worker(
    windowQueueName(base),
    async (job: Job) => {
      const [values, failures] = await Promise.all([job.getChildrenValues(), job.getIgnoredChildrenFailures()]);
      return { completed: Object.keys(values).length, failed: Object.keys(failures).length };
    },
    { connection, prefix, concurrency: 16, autorun: true },
  );
  windowWorker.on('error', o.onError ?? ((e) => process.stderr.write(`txbot optimize: window worker: ${e.message}\n`)));

  function flowOf(sweep: Sweep, plan: WindowPlan): FlowJob {
    const children = [...plan.children.entries()].map(([id, position]): FlowJob => {
      const data: TrialJobData = {
        sweepId: sweep.sweepId,
        dataSha256: sweep.dataSha256,
        trialName: sweep.trial.exportName,
        trial: sweep.trials[position]!,
        context: sweep.context,
      };
      return {
        name: 'trial',
        queueName: trialQueueName(base),
        data,
        opts: {
          jobId: id,
          attempts: sweep.retry.attempts,
          backoff: { type: 'exponential', delay: sweep.retry.backoffMs },
          ignoreDependencyOnFailure: true,
          removeOnComplete: false,
          removeOnFail: false,
        },
      };
    });
    return {
      name: 'window',
      queueName: windowQueueName(base),
      data: { sweepId: sweep.sweepId, round: sweep.round, dataSha256: sweep.dataSha256 },
      opts: { jobId: plan.id, attempts: 3, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: false, removeOnFail: false },
      children,
    };
  }

  async function progressOf(plans: WindowPlan[]): Promise<{ done: number; failed: number; states: string[] }> {
    let done = 0;
    let failed = 0;
    const states: string[] = [];
    for (const plan of plans) {
      const job = await Job.fromId(windows, plan.id);
      if (!job) throw new OptimizeError('SWEEP_LOST', `window job ${plan.id} disappeared from ${prefix}:${windowQueueName(base)}`, false);
      const c = await job.getDependenciesCount({ processed: true, ignored: true, failed: true });
      const bad = (c.ignored ?? 0) + (c.failed ?? 0);
      done += (c.processed ?? 0) + bad;
      failed += bad;
      states.push(await job.getState());
    }
    return { done, failed, states };
  }

  async function collect(sweep: Sweep, plans: WindowPlan[]): Promise<TrialOutcome[]> {
    const outcomes: TrialOutcome[] = new Array(sweep.trials.length);
    const keyPrefix = `${prefix}:${trialQueueName(base)}:`;
    for (const plan of plans) {
      const job = (await Job.fromId(windows, plan.id))!;
      const [values, failures] = await Promise.all([job.getChildrenValues<TrialResult>(), job.getIgnoredChildrenFailures()]);
      for (const [id, position] of plan.children) {
        const key = keyPrefix + id;
        if (Object.hasOwn(values, key)) outcomes[position] = { status: 'completed', result: normalizeTrialResult(values[key]) };
        else if (Object.hasOwn(failures, key))
          outcomes[position] = { status: 'failed', attempts: (await Job.fromId(trials, id))?.attemptsMade ?? 0, reason: failures[key]! };
        else throw new OptimizeError('SWEEP_INCOMPLETE', `window job ${plan.id} finished without a result for trial job ${id}`, false);
      }
    }
    return outcomes;
  }

  return {
    async run(sweep, onProgress?: ProgressCallback) {
      assertDistinctTrials(sweep);
      const plans = planWindows(sweep);
      await flows.addBulk(plans.map((p) => flowOf(sweep, p)));
      const total = sweep.trials.length;
      // Elapsed time on the monotonic clock (a timeout, not a wall-clock reading).
      const started = performance.now();
      let last = '';
      for (;;) {
        const { done, failed, states } = await progressOf(plans);
        if (`${done}/${failed}` !== last) onProgress?.({ done, total, failed });
        last = `${done}/${failed}`;
        if (states.includes('failed')) throw new OptimizeError('WINDOW_FAILED', `a window job of sweep ${sweep.sweepId} failed`, false);
        if (states.every((s) => s === 'completed')) break;
        if (o.timeoutMs !== undefined && performance.now() - started > o.timeoutMs) {
          throw new OptimizeError(
            'SWEEP_TIMEOUT',
            `sweep ${sweep.sweepId} round ${sweep.round}: ${done}/${total} trials after ${o.timeoutMs} ms`,
            true,
            {
              hint: 'are workers running on this queue? (runWorker / txbot worker --queue URL)',
            },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
      return collect(sweep, plans);
    },
    async close() {
      await windowWorker.close();
      await Promise.all([flows.close(), trials.close(), windows.close()]);
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
