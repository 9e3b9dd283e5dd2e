// When to retrain: the scheduled trigger (every retrain.schedule_days since the last training, a time
// kept in the journal so restarts do not reset it) and the drift trigger (DriftMonitor), as pure checks.

import type { Config } from '../../config/index.ts';
import { DAY_MS } from '../../domain/index.ts';
import type { DriftStatus } from '../drift.ts';

/** Why a retrain starts. */
export type RetrainTriggerKind = 'schedule' | 'drift' | 'manual';

/** A fired trigger with its reason in words. */
export interface RetrainTrigger {
  readonly kind: RetrainTriggerKind;
  readonly reason: string;
}

/** Trigger settings (config retrain.schedule_days; failed attempts are retried at most once a day). */
export interface TriggerSettings {
  readonly scheduleDays: number;
  /** Minimum time between two attempts of the same trigger, ms (default 1 day). */
  readonly retryAfterMs?: number;
}

export function triggerSettingsFromConfig(config: Config): TriggerSettings {
  return { scheduleDays: config.retrain.schedule_days };
}

/** Facts the check needs, all times UTC epoch ms from bars or the journal. */
export interface TriggerInput {
  readonly nowMs: number;
  /** Last training time (journal meta), or null when never recorded. */
  readonly lastTrainingMs: number | null;
  /** Last attempt of any retrain (successful or not), or null. */
  readonly lastAttemptMs: number | null;
  readonly drift: DriftStatus | null;
}

/**
 * The trigger that fires now, or null. Schedule first (due when nowMs - lastTrainingMs >= scheduleDays;
 * a missing last training time is due at once), then drift (monitor warm and below threshold). Neither
 * fires within retryAfterMs of the last attempt, so a failing retrain is not repeated every bar.
 */
export function checkRetrainTriggers(s: TriggerSettings, i: TriggerInput): RetrainTrigger | null {
  const retryAfterMs = s.retryAfterMs ?? DAY_MS;
  if (i.lastAttemptMs !== null && i.nowMs - i.lastAttemptMs < retryAfterMs) return null;
  const periodMs = s.scheduleDays * DAY_MS;
  if (i.lastTrainingMs === null) return { kind: 'schedule', reason: 'no training time recorded yet' };
  const ageMs = i.nowMs - i.lastTrainingMs;
  if (ageMs >= periodMs)
    return { kind: 'schedule', reason: `last training ${(ageMs / DAY_MS).toFixed(1)} days ago (schedule every ${s.scheduleDays} days)` };
  const d = i.drift;
  if (d?.drifting) {
    return {
      kind: 'drift',
      reason: `rolling ${d.days}-day mean log-likelihood ${d.rollingMeanLogLikelihood.toFixed(4)} vs baseline ${d.baselineLogLikelihoodPerBar.toFixed(4)} (ratio ${d.ratio.toFixed(3)})`,
    };
  }
  return null;
}
