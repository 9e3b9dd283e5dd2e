// What a retrain runner receives and returns: the job (bars, current model, settings), worker messages
// and the error of a failed run. Runners live outside regime/ (src/app/retrainRunner.ts: a worker thread).

import type { Config } from '../../config/index.ts';
import { TxbotError, type BarSeries } from '../../domain/index.ts';
import type { RegimeModel } from '../modelStore.ts';
import type { RetrainOutcome, RetrainSettings } from './pipeline.ts';

/** Everything a retrain needs, structured-cloneable (typed arrays are copied to the worker). */
export interface RetrainJob {
  readonly series: BarSeries;
  readonly current: RegimeModel | null;
  readonly config: Config;
  readonly settings: RetrainSettings;
  readonly reportIterations?: boolean;
}

/** Messages from a retrain worker. */
export type WorkerMessage =
  | { readonly kind: 'iteration'; readonly restart: number; readonly iteration: number; readonly logProb: number }
  | { readonly kind: 'done'; readonly outcome: RetrainOutcome }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

/** A failed retrain (training error, worker crash); `code` is the original error code. */
export class RetrainError extends TxbotError {}

/** Runs one retrain; a function of this shape is what the RetrainController calls. */
export type RetrainRunner = (job: RetrainJob) => Promise<RetrainOutcome>;
