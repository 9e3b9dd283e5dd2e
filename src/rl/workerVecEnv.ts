// VecEnv whose envs live on worker threads (contiguous slices per worker), built from an env factory module path.

import { Worker } from 'node:worker_threads';
import { workerEntry, TxbotError } from '../domain/index.ts';
import type { ActionSpace, ObservationSpace, VecEnv, VecObservation, VecStepResult } from './envTypes.ts';
import { assembleObservations, assembleStep, sharedSpaces, type SlotObservation, type SlotStep, type VecSpaces } from './envSlot.ts';
import { envModuleUrl, type EnvModuleSpec } from './envFactoryLoader.ts';

const WORKER = workerEntry('rl/vecEnvWorker');

/** What a worker is started with (`module` is read by bin/tsWorker.mjs). */
export interface VecEnvWorkerData {
  readonly module: string;
  readonly envModule: string;
  readonly exportName: string;
  readonly options: unknown;
  /** Global indices of the envs this worker hosts. */
  readonly indices: readonly number[];
}

/** Requests to a worker, one outstanding at a time; arrays are per hosted env. */
export type WorkerRequest =
  | { readonly kind: 'reset'; readonly seeds: readonly (number | null)[]; readonly options?: Record<string, unknown> }
  | { readonly kind: 'step'; readonly actions: readonly number[] }
  | { readonly kind: 'close' };

/** Replies from a worker. */
export type WorkerReply =
  | { readonly kind: 'ready'; readonly spaces: readonly VecSpaces[] }
  | { readonly kind: 'reset'; readonly slots: readonly SlotObservation[] }
  | { readonly kind: 'step'; readonly slots: readonly SlotStep[] }
  | { readonly kind: 'closed' }
  | { readonly kind: 'error'; readonly name: string; readonly message: string; readonly stack?: string };

/** Options of WorkerVecEnv.create. */
export interface WorkerVecEnvOptions<Options> extends EnvModuleSpec<Options> {
  readonly numEnvs: number;
  /** Worker threads (default min(numEnvs, 2)); envs are split into contiguous slices, the first slices one larger. */
  readonly numWorkers?: number;
}

/** An env failure on a worker (code RL_ENV_WORKER_FAILED), re-raised in the calling thread with the worker's message and stack. */
export class WorkerEnvError extends TxbotError {
  constructor(message: string, workerStack?: string) {
    super('RL_ENV_WORKER_FAILED', message);
    if (workerStack) this.stack = `${this.name}: ${message}\n  worker stack:\n${workerStack}`;
  }
}

/** One worker with FIFO request/reply matching (the protocol keeps one request in flight, but order is kept anyway). */
class WorkerChannel {
  private readonly pending: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;
  readonly ready: Promise<WorkerReply>;

  constructor(readonly worker: Worker) {
    this.ready = new Promise<WorkerReply>((resolve, reject) => this.pending.push({ resolve, reject }));
    worker.on('message', (reply: WorkerReply) => this.pending.shift()?.resolve(reply));
    worker.on('error', (e: Error) => this.failAll(e));
    worker.on('exit', (code) => this.failAll(new WorkerEnvError(`env worker exited with code ${code}`)));
  }

  private failAll(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.splice(0)) p.reject(e);
  }

  request(req: WorkerRequest): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    const reply = new Promise<WorkerReply>((resolve, reject) => this.pending.push({ resolve, reject }));
    this.worker.postMessage(req);
    return reply;
  }
}

function expect<K extends WorkerReply['kind']>(reply: WorkerReply, kind: K): Extract<WorkerReply, { kind: K }> {
  if (reply.kind === 'error') throw new WorkerEnvError(`env worker: ${reply.name}: ${reply.message}`, reply.stack);
  if (reply.kind !== kind) throw new WorkerEnvError(`env worker replied '${reply.kind}' (expected '${kind}')`);
  return reply as Extract<WorkerReply, { kind: K }>;
}

/** Contiguous slices of 0..n−1 over w workers, the first n mod w slices one longer. */
export function envSlices(numEnvs: number, numWorkers: number): number[][] {
  const slices: number[][] = [];
  let next = 0;
  for (let w = 0; w < numWorkers; w++) {
    const size = Math.floor(numEnvs / numWorkers) + (w < numEnvs % numWorkers ? 1 : 0);
    slices.push(Array.from({ length: size }, (_, k) => next + k));
    next += size;
  }
  return slices;
}

/**
 * N envs on worker threads; rows come back in env order, so trajectories equal InProcessVecEnv.fromModule with the same
 * module, options and seeds, whatever the thread scheduling. Close it to stop the threads.
 */
export class WorkerVecEnv implements VecEnv {
  readonly numEnvs: number;
  readonly observationSpace: ObservationSpace;
  readonly actionSpace: ActionSpace;

  private constructor(
    private readonly channels: readonly WorkerChannel[],
    private readonly slices: readonly (readonly number[])[],
    private readonly spaces: VecSpaces,
  ) {
    this.numEnvs = slices.reduce((n, s) => n + s.length, 0);
    this.observationSpace = spaces.observationSpace;
    this.actionSpace = spaces.actionSpace;
  }

  /** Starts the workers, builds env i = factory(options, i) on its worker, and checks that all envs share their spaces. */
  static async create<Options>(o: WorkerVecEnvOptions<Options>): Promise<WorkerVecEnv> {
    if (!Number.isInteger(o.numEnvs) || o.numEnvs < 1) throw new RangeError(`numEnvs must be an integer >= 1 (got ${o.numEnvs})`);
    const numWorkers = Math.min(o.numEnvs, o.numWorkers ?? 2);
    if (!Number.isInteger(numWorkers) || numWorkers < 1) throw new RangeError(`numWorkers must be an integer >= 1 (got ${o.numWorkers})`);
    const slices = envSlices(o.numEnvs, numWorkers);
    const channels = slices.map((indices) => {
      const workerData: VecEnvWorkerData = {
        module: WORKER.module,
        envModule: envModuleUrl(o.module),
        exportName: o.exportName ?? 'createEnv',
        options: o.options,
        indices,
      };
      return new WorkerChannel(new Worker(WORKER.entry, { workerData, execArgv: [] }));
    });
    try {
      const ready = await Promise.all(channels.map(async (c) => expect(await c.ready, 'ready')));
      return new WorkerVecEnv(channels, slices, sharedSpaces(ready.flatMap((r) => r.spaces)));
    } catch (e) {
      await Promise.all(channels.map((c) => c.worker.terminate()));
      throw e;
    }
  }

  async reset(seed?: number, options?: Record<string, unknown>): Promise<VecObservation> {
    const replies = await Promise.all(
      this.channels.map((c, w) => c.request({ kind: 'reset', seeds: this.slices[w]!.map((i) => (seed === undefined ? null : seed + i)), options })),
    );
    return assembleObservations(
      replies.flatMap((r) => expect(r, 'reset').slots),
      this.spaces,
    );
  }

  async step(actions: Int32Array): Promise<VecStepResult> {
    if (actions.length !== this.numEnvs) throw new RangeError(`VecEnv step needs ${this.numEnvs} actions (got ${actions.length})`);
    const replies = await Promise.all(this.channels.map((c, w) => c.request({ kind: 'step', actions: this.slices[w]!.map((i) => actions[i]!) })));
    return assembleStep(
      replies.flatMap((r) => expect(r, 'step').slots),
      this.spaces,
    );
  }

  /** Closes every env, then terminates the threads (also after a failed request). */
  async close(): Promise<void> {
    await Promise.allSettled(this.channels.map((c) => c.request({ kind: 'close' })));
    await Promise.all(this.channels.map((c) => c.worker.terminate()));
  }
}
