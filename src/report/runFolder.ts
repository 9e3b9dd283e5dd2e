// Reads back what `txbot combine --from DIR` needs from a run folder's summary.json: the run's own account rules.

import { DataError, type RegimeLabel } from '../domain/index.ts';
import type { AccountRules } from './summary.ts';
import type { TradeRecord } from '../engine/index.ts';
import { TRADES_HEADER } from './outputs.ts';

/** What a run folder says about itself (backtest summary, or a walk-forward summary's stitched account). */
export interface RunFolderInfo {
  readonly rules: AccountRules;
  /** The run's instrument. */
  readonly instrument: string;
  readonly inSample: boolean;
  /** The backtest or walk-forward kind of the folder. */
  readonly kind: 'backtest' | 'walkforward';
  /** Trading date the run's account stalled (days after it are left out of the Combine sample), or null. */
  readonly stallDate: string | null;
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
  if (typeof r.minStopRiskUsd !== 'number' || !(r.minStopRiskUsd >= 0))
    throw new DataError('COMBINE_INPUT_INVALID', `${file}: ${at}.minStopRiskUsd must be a number >= 0 (got ${JSON.stringify(r.minStopRiskUsd)})`);
  if (!isRecord(r.stopRiskPerContractUsd) || !Object.values(r.stopRiskPerContractUsd).every(isRecord))
    throw new DataError('COMBINE_INPUT_INVALID', `${file}: ${at}.stopRiskPerContractUsd must map each symbol to {regime: USD}`);
  for (const k of ['dailyLossLimit', 'dailyProfitTarget'] as const)
    if (!numOrNull(r[k])) throw new DataError('COMBINE_INPUT_INVALID', `${file}: ${at}.${k} must be a number or null (got ${JSON.stringify(r[k])})`);
  return {
    rules: r as unknown as AccountRules,
    instrument: typeof s.instrument === 'string' ? s.instrument : '?',
    inSample: s.inSample === true,
    kind,
    stallDate: isRecord(s.stall) && typeof s.stall.date === 'string' ? s.stall.date : null,
  };
}

/** The trades of a trades.csv (columns of TRADES_HEADER) as the Combine sample needs them. */
export function tradesFromCsv(text: string, file: string): Pick<TradeRecord, 'entryTsMs' | 'symbol' | 'qty' | 'netPnlUsd' | 'regime'>[] {
  const lines = text.split('\n').filter(Boolean);
  if (lines[0] !== TRADES_HEADER) throw new DataError('COMBINE_INPUT_INVALID', `${file} line 1: expected header ${TRADES_HEADER.slice(0, 40)}...`);
  return lines.slice(1).map((line, i) => {
    // the fields read here come before the only free-text (quoted) columns
    const f = line.split(',');
    const entryTsMs = Date.parse(f[0] ?? '');
    const qty = Number(f[4]);
    const netPnlUsd = Number(f[9]);
    if (Number.isNaN(entryTsMs) || !(qty > 0) || !Number.isFinite(netPnlUsd) || !f[2] || !f[10])
      throw new DataError(
        'COMBINE_INPUT_INVALID',
        `${file} line ${i + 2}: expected entry_time, symbol, qty > 0, net_pnl and regime (got "${line.slice(0, 80)}")`,
      );
    return { entryTsMs, symbol: f[2], qty, netPnlUsd, regime: f[10] as RegimeLabel };
  });
}
