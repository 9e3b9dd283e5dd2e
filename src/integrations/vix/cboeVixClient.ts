// Cboe daily VIX history client (VIX_History.csv: DATE,OPEN,HIGH,LOW,CLOSE with MM/DD/YYYY or ISO dates).

import type { VixTable } from '../../strategy/index.ts';
import { parseCsvRows } from '../csvTable.ts';
import { fetchVendorText } from '../common/fetchVendor.ts';
import { IntegrationError } from '../common/integrationError.ts';
import { makeScrubber } from '../common/scrubber.ts';
import { vixTableFromRows } from '../vix.ts';
import { describeFailure } from '../common/integrationError.ts';

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** "MM/DD/YYYY" (Cboe) → "YYYY-MM-DD"; other text unchanged (ISO passes, garbage fails validation). */
export function isoFromCboeDate(cell: string): string {
  const m = US_DATE.exec(cell.trim());
  return m ? `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}` : cell.trim();
}

/**
 * Parses a downloaded history: header names case-insensitive, dates ascending. Throws
 * INTEGRATION_BAD_PAYLOAD (with the line-located DataError message) on anything else, HTML included.
 */
export function parseCboeVixCsv(text: string, url: string): VixTable {
  try {
    const table = vixTableFromRows(parseCsvRows(text, url, ['date', 'close'], 'VIX_FILE_INVALID'), isoFromCboeDate);
    if (table.dates.length === 0) throw new IntegrationError('INTEGRATION_BAD_PAYLOAD', 'cboe', `${url}: no rows`);
    return table;
  } catch (e) {
    if (e instanceof IntegrationError) throw e;
    throw new IntegrationError('INTEGRATION_BAD_PAYLOAD', 'cboe', describeFailure(e), { cause: e, retryable: true });
  }
}

/** Downloads and parses the Cboe history. */
export class CboeVixClient {
  readonly name = 'cboe';
  constructor(
    readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async fetchTable(): Promise<VixTable> {
    const text = await fetchVendorText({ source: this.name, url: this.url, timeoutMs: this.timeoutMs, scrub: makeScrubber([]) });
    return parseCboeVixCsv(text, this.url);
  }
}
