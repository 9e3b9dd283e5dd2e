// Reads back what `txbot combine --from DIR` needs from a run folder's summary.json: the run's own account rules.

import { DataError } from '../domain/errors.ts';
import type { AccountRules } from './summary.ts';

/** What a run folder says about itself (backtest summary, or a walk-forward summary's stitched account). */
export interface RunFolderInfo {
  readonly rules: AccountRules;
  /** The run's instrument. */
  readonly instrument: string;
  readonly inSample: boolean;
  /** The backtest or walk-forward kind of the folder. */
  readonly kind: 'backtest' | 'walkforward';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numOrNull = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v));

/** Parses summary.json text; a missing or malformed account is one clear line naming the file and key. */
export function runFolderInfo(text: string, file: string): RunFolderInfo {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new DataError('COMBINE_INPUT_INVALID', `${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(root)) throw new DataError('COMBINE_INPUT_INVALID', `${file}: expected a JSON object`);
  const kind = isRecord(root.stitched) ? 'walkforward' : 'backtest';
  const s = kind === 'walkforward' ? (root.stitched as Record<string, unknown>) : root;
  const at = kind === 'walkforward' ? 'stitched.accountRules' : 'accountRules';
  const r = s.accountRules;
  if (!isRecord(r))
    throw new DataError(
      'COMBINE_INPUT_INVALID',
      `${file}: no ${at} (the folder was written by an older txbot that did not record its account); re-run the backtest or walk-forward`,
    );
  for (const k of ['accountSize', 'startingBalance', 'maxLossLimit', 'profitTarget'] as const)
    if (typeof r[k] !== 'number' || !(r[k] > 0))
      throw new DataError('COMBINE_INPUT_INVALID', `${file}: ${at}.${k} must be a positive number (got ${JSON.stringify(r[k])})`);
  for (const k of ['dailyLossLimit', 'dailyProfitTarget'] as const)
    if (!numOrNull(r[k])) throw new DataError('COMBINE_INPUT_INVALID', `${file}: ${at}.${k} must be a number or null (got ${JSON.stringify(r[k])})`);
  return {
    rules: r as unknown as AccountRules,
    instrument: typeof s.instrument === 'string' ? s.instrument : '?',
    inSample: s.inSample === true,
    kind,
  };
}
