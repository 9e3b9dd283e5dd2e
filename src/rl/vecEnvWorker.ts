// Worker-thread body of WorkerVecEnv: builds its slice of envs from the factory module and answers reset/step requests.

import { parentPort, workerData } from 'node:worker_threads';
import { loadEnvFactory } from './envFactoryLoader.ts';
import { resetSlot, stepSlot } from './envSlot.ts';
import type { Env } from './envTypes.ts';
import type { VecEnvWorkerData, WorkerReply, WorkerRequest } from './workerVecEnv.ts';

const data = workerData as VecEnvWorkerData;
const port = parentPort!;

function fail(e: unknown): WorkerReply {
  const err = e as Error;
  return { kind: 'error', name: err.name ?? 'Error', message: err.message ?? String(e), stack: err.stack };
}

let envs: Env[] = [];
try {
  const factory = await loadEnvFactory(data.envModule, data.exportName);
  envs = data.indices.map((i) => factory(data.options, i));
  port.postMessage({
    kind: 'ready',
    spaces: envs.map((env) => ({ observationSpace: { shape: [...env.observationSpace.shape] }, actionSpace: { n: env.actionSpace.n } })),
  } satisfies WorkerReply);
} catch (e) {
  port.postMessage(fail(e));
}

port.on('message', (req: WorkerRequest) => {
  try {
    if (req.kind === 'reset') {
      const slots = envs.map((env, k) => resetSlot(env, data.indices[k]!, req.seeds[k] ?? undefined, req.options));
      port.postMessage({ kind: 'reset', slots } satisfies WorkerReply);
    } else if (req.kind === 'step') {
      const slots = envs.map((env, k) => stepSlot(env, data.indices[k]!, req.actions[k]!));
      port.postMessage({ kind: 'step', slots } satisfies WorkerReply);
    } else {
      for (const env of envs) env.close?.();
      port.postMessage({ kind: 'closed' } satisfies WorkerReply);
    }
  } catch (e) {
    port.postMessage(fail(e));
  }
});
