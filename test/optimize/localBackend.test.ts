// Local backend: worker threads return outcomes in sweep order, identical to running in this thread; failures
// are retried, then reported; a data mismatch is refused; a crashed thread fails only its own trial.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalBackend } from '../../src/optimize/backends/localBackend.ts';
import type { Sweep, SweepProgress } from '../../src/optimize/backends/trialBackend.ts';
import { OptimizeError } from '../../src/optimize/optimizeError.ts';
import type { TrialInput } from '../../src/optimize/types.ts';
import { useTempDir } from '../support/tmp.ts';
import { readExecLog } from './support/toyTrials.ts';

const TOY = fileURLToPath(new URL('./support/toyTrials.ts', import.meta.url));
const SHA = 'a'.repeat(64);
const tmp = useTempDir('txbot-opt-local-');
const threads = createLocalBackend({ jobs: 2, datasets: { [SHA]: { path: 'toy.csv' } } });
afterAll(() => threads.close());

function sweep(overrides: Partial<Sweep> = {}, xs = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]): Sweep {
  const trials: TrialInput[] = xs.map((x, i) => ({ windowIndex: i % 2, params: { x }, seed: 11 + (i % 2), segment: 'train' }));
  return {
    sweepId: 'local-test',
    round: 0,
    dataSha256: SHA,
    trial: { module: TOY, exportName: 'toyTrial' },
    context: {},
    retry: { attempts: 3, backoffMs: 5 },
    trials,
    ...overrides,
  };
}

const execCount = (log: string): number => readExecLog(log).filter((l) => l.phase === 'start').length;

describe('local backend', () => {
  it('returns outcomes in sweep order, byte-identical to running in this thread', async () => {
    const progress: SweepProgress[] = [];
    const onThreads = await threads.run(sweep(), (p) => progress.push(p));
    const here = createLocalBackend({ jobs: 1, datasets: { [SHA]: null } });
    const inThread = await here.run(sweep());
    await here.close();
    expect(JSON.stringify(onThreads)).toBe(JSON.stringify(inThread));
    expect(onThreads.map((o) => (o.status === 'completed' ? o.result.pointer : o.reason))).toEqual(
      Array.from({ length: 8 }, (_, i) => `toy/w${i % 2}/train`),
    );
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(progress.at(-1)).toEqual({ done: 8, total: 8, failed: 0 });
  });

  it('retries a failing trial, then reports it as failed next to the completed ones', async () => {
    const execLog = join(tmp.dir, 'retry.log');
    const progress: SweepProgress[] = [];
    const outcomes = await threads.run(sweep({ context: { execLog, failX: 0.2 } }, [0.1, 0.2, 0.3]), (p) => progress.push(p));
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'failed', 'completed']);
    expect(outcomes[1]).toEqual({ status: 'failed', attempts: 3, reason: 'Error: toy failure at x=0.2' });
    expect(execCount(execLog)).toBe(2 + 3);
    expect(progress.at(-1)).toEqual({ done: 3, total: 3, failed: 1 });
  });

  it('does not retry a ConfigError or an invalid result', async () => {
    const execLog = join(tmp.dir, 'invalid.log');
    const [invalid] = await threads.run(sweep({ context: { execLog, invalidX: 0.1 } }, [0.1]));
    expect(invalid).toEqual({ status: 'failed', attempts: 1, reason: 'CONFIG_INVALID: toy invalid parameters x=0.1' });
    expect(execCount(execLog)).toBe(1);
    const [bad] = await threads.run(sweep({ trial: { module: TOY, exportName: 'badResultTrial' } }, [0.1]));
    expect(bad).toMatchObject({ status: 'failed', attempts: 1 });
    expect(bad!.status === 'failed' && bad!.reason).toMatch(/^TRIAL_RESULT_INVALID: .*metrics\.maxDrawdown/);
  });

  it('refuses a sweep whose data sha256 it does not hold', async () => {
    const run = threads.run(sweep({ dataSha256: 'b'.repeat(64) }));
    await expect(run).rejects.toBeInstanceOf(OptimizeError);
    await expect(run).rejects.toMatchObject({ code: 'DATA_SHA_MISMATCH', retryable: false });
  });

  it('a crashed thread fails only the trial it was running', async () => {
    const outcomes = await threads.run(sweep({ trial: { module: TOY, exportName: 'crashingTrial' } }, [1, 9, 2, 3]));
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'failed', 'completed', 'completed']);
    expect(outcomes[1]!.status === 'failed' && outcomes[1]!.reason).toMatch(/^WORKER_CRASHED: worker thread exited with code 7/);
  });
});
