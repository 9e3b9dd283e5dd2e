// The model store seam of retraining: versions, the current model and commit; implemented on disk by
// state/localModelStore.ts (and shared between machines by the PostgreSQL model sync).

import type { RegimeModel } from './modelStore.ts';

/** One stored model version. */
export interface ModelVersion {
  /** 1, 2, 3, ... in commit order. */
  readonly version: number;
  /** Where the model lives (a file path for the local store). */
  readonly location: string;
}

/** The model the store points at, loaded and validated. */
export interface CurrentModel extends ModelVersion {
  readonly model: RegimeModel;
  /** When it became current (caller's clock, UTC epoch ms) and why. */
  readonly swappedAtMs: number;
  readonly reason: string;
}

/**
 * Where retrained models live. `commit` must be atomic: after a crash at any point, `current()` returns
 * either the old model or the new one, complete and valid, never a partial file. Implementations: the
 * local directory below (default); a shared store for several machines is a later implementation.
 */
export interface ModelStore {
  /** A description for messages (the directory path). */
  readonly description: string;
  /** The current model, or null when nothing was committed yet. */
  current(): Promise<CurrentModel | null>;
  /** Stores `model` as a new version and makes it current; keeps the previous `keep` versions. */
  commit(model: RegimeModel, info: { readonly tsMs: number; readonly reason: string }): Promise<ModelVersion>;
  /** Stored versions, oldest first. */
  versions(): Promise<ModelVersion[]>;
}

/** File operations the local store uses; tests replace one to inject a failure. */
