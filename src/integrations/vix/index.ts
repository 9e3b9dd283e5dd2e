// Public surface of the live VIX source: the Cboe client and the refreshed table.

export { createVixSource, type VixSourceOptions } from './createVixSource.ts';
export { LiveVixTable, mergeVixTables, type LiveVixSettings, type VixLookup } from './liveVixTable.ts';
export { CboeVixClient, parseCboeVixCsv, isoFromCboeDate } from './cboeVixClient.ts';
