// Real worker processes on the real Redis: a worker killed mid-sweep is replaced and the sweep completes
// without redoing finished trials; SIGTERM lets a worker finish its current trial and exit cleanly.

import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createBullmqBackend } from '../../src/optimize/backends/bullmqBackend.ts';
import { createLocalBackend } from '../../src/optimize/backends/localBackend.ts';
import type { TrialBackend } from '../../src/optimize/backends/trialBackend.ts';
import { runOptimization } from '../../src/optimize/optimizer.ts';
import { canonicalJson } from '../../src/optimize/canonicalJson.ts';
import { useTempDir } from '../support/tmp.ts';
import { REDIS_URL, deletePrefix, uniquePrefix } from './support/redisPrefix.ts';
import { readExecLog, type ExecLine } from './support/toyTrials.ts';
import { TOY_GRID, TOY_SHA, toySettings, toySpec } from './support/toySpec.ts';
import { killGroup, spawnWorker, waitFor, type WorkerProcess } from './support/workerProcess.ts';

const tmp = useTempDir('txbot-opt-proc-');
const local = createLocalBackend({ jobs: 1, datasets: { [TOY_SHA]: null } });
afterAll(() => local.close());

let workers: WorkerProcess[] = [];
let backends: TrialBackend[] = [];
let prefixes: string[] = [];
afterEach(async () => {
  for (const w of workers) killGroup(w);
  await Promise.all(workers.map((w) => w.exited));
  await Promise.all(backends.map((b) => b.close()));
  for (const p of prefixes) await deletePrefix(p);
  [workers, backends, prefixes] = [[], [], []];
});

function setup(label: string) {
  const prefix = uniquePrefix(label);
  prefixes.push(prefix);
  const backend = createBullmqBackend({ queueUrl: REDIS_URL, prefix, pollMs: 50, timeoutMs: 120_000 });
  backends.push(backend);
  const start = (concurrency: number) => {
    const w = spawnWorker({ queueUrl: REDIS_URL, prefix, concurrency, lockDurationMs: 1500, stalledIntervalMs: 500 });
    workers.push(w);
    return w;
  };
  return { backend, start };
}

const key = (l: ExecLine) => canonicalJson([l.w, l.s, l.p]);
const lines = (log: string, phase: ExecLine['phase']) => readExecLog(log).filter((l) => l.phase === phase);

describe('BullMQ worker processes', () => {
  it('a worker killed mid-sweep is replaced; the sweep completes without redoing finished trials', async () => {
    const { backend, start } = setup('kill');
    const execLog = join(tmp.dir, 'kill.log');
    const spec = toySpec(toySettings({ space: TOY_GRID, sampler: { kind: 'grid' }, trials: 6, batchSize: 6 }), { execLog, cpuMs: 300 });
    const first = start(1);
    await first.ready;
    const run = runOptimization(spec, backend);
    // Kill with three trials finished and one in flight.
    await waitFor(() => lines(execLog, 'end').length >= 3 && lines(execLog, 'start').length > lines(execLog, 'end').length);
    killGroup(first);
    await first.exited;
    const finishedBeforeKill = new Set(lines(execLog, 'end').map(key));
    const second = start(2);
    await second.ready;
    const summary = await run;

    expect(summary.aggregate).toMatchObject({ trials: 12, completed: 12, failed: 0 });
    expect(summary.windows.every((w) => w.outOfSample?.status === 'completed')).toBe(true);
    const startsPerTrial = new Map<string, number>();
    for (const l of lines(execLog, 'start')) startsPerTrial.set(key(l), (startsPerTrial.get(key(l)) ?? 0) + 1);
    for (const k of finishedBeforeKill) expect(startsPerTrial.get(k)).toBe(1);
    // The trial in flight at the kill was retaken after its lock expired (stalled-job recovery) and is the only rerun.
    const endedByFirst = new Set(
      lines(execLog, 'end')
        .filter((l) => l.ppid === first.pid)
        .map(key),
    );
    const inFlight = lines(execLog, 'start')
      .filter((l) => l.ppid === first.pid && !endedByFirst.has(key(l)))
      .map(key);
    expect(inFlight).toHaveLength(1);
    expect(lines(execLog, 'end').some((l) => l.ppid === second.pid && key(l) === inFlight[0])).toBe(true);
    expect([...startsPerTrial.entries()].filter(([, n]) => n > 1).map(([k]) => k)).toEqual(inFlight);
    expect(startsPerTrial.size).toBe(14);
    expect(lines(execLog, 'end').some((l) => l.ppid === second.pid)).toBe(true);
    // Same sweep id, no CPU cost and no log on the local backend: the same bytes.
    const sameSweepLocally = { ...toySpec(spec.settings), sweepId: summary.sweepId };
    expect(JSON.stringify(await runOptimization(sameSweepLocally, local))).toBe(JSON.stringify(summary));
  });

  it('SIGTERM lets a worker finish its current trial, take no other, and exit with code 0', async () => {
    const { backend, start } = setup('term');
    const execLog = join(tmp.dir, 'term.log');
    const spec = toySpec(toySettings({ space: TOY_GRID, sampler: { kind: 'grid' }, trials: 6, batchSize: 6 }), { execLog, cpuMs: 700 }, 1);
    const worker = start(1);
    await worker.ready;
    const run = runOptimization(spec, backend);
    await waitFor(() => lines(execLog, 'start').length >= 1);
    const termAtMs = Date.now();
    process.kill(worker.pid, 'SIGTERM');
    const exit = await worker.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(worker.output()).toContain('closed\n');
    const byWorker = (phase: ExecLine['phase']) => lines(execLog, phase).filter((l) => l.ppid === worker.pid);
    expect(byWorker('start')).toHaveLength(1);
    expect(byWorker('end')).toHaveLength(1);
    expect(byWorker('end')[0]!.atMs).toBeGreaterThanOrEqual(termAtMs);
    const replacement = start(2);
    await replacement.ready;
    const summary = await run;
    expect(summary.aggregate).toMatchObject({ trials: 6, completed: 6 });
    const interrupted = key(byWorker('start')[0]!);
    expect(lines(execLog, 'start').filter((l) => key(l) === interrupted)).toHaveLength(1);
  });
});
