// The one table of contract specifications txbot trades (CME micro futures): tick size and value, fees,
// micro flag, and each product's regular session (equity index futures: 09:30-16:00 ET; gold: the
// COMEX day session 08:20-13:30 ET). Config defaults, the Gateway simulator and tests read it from here.

/** A product's regular session in America/New_York clock time. */
export interface SessionProfile {
  readonly name: 'equity_index' | 'comex_metals';
  /** Regular-session start and end, "HH:MM" ET. */
  readonly rthStart: string;
  readonly rthEnd: string;
  /** Session VWAP reset, "HH:MM" ET. */
  readonly vwapAnchor: string;
  /** No new entries before / after, "HH:MM" ET. */
  readonly entryStart: string;
  readonly entryCutoff: string;
}

export const EQUITY_INDEX_SESSION: SessionProfile = {
  name: 'equity_index',
  rthStart: '09:30',
  rthEnd: '16:00',
  vwapAnchor: '09:30',
  entryStart: '09:35',
  entryCutoff: '15:30',
};

/** Gold has no 09:30 equity open: its active session is the COMEX day session (08:20-13:30 ET). */
export const COMEX_METALS_SESSION: SessionProfile = {
  name: 'comex_metals',
  rthStart: '08:20',
  rthEnd: '13:30',
  vwapAnchor: '08:20',
  entryStart: '08:25',
  entryCutoff: '13:00',
};

export interface ContractSpec {
  /** Root symbol, e.g. MNQ. */
  readonly root: string;
  readonly description: string;
  readonly tickSize: number;
  /** USD per tick per contract. */
  readonly tickValueUsd: number;
  /** Commission plus exchange and regulatory fees per contract per side on TopstepX, USD. */
  readonly commissionPerSideUsd: number;
  /** Micro contract: 1/10 of a mini against the Topstep contract limit. */
  readonly micro: boolean;
  readonly session: SessionProfile;
}

export const CONTRACT_SPECS: readonly ContractSpec[] = [
  {
    root: 'MNQ',
    description: 'Micro E-mini Nasdaq-100',
    tickSize: 0.25,
    tickValueUsd: 0.5,
    commissionPerSideUsd: 0.37,
    micro: true,
    session: EQUITY_INDEX_SESSION,
  },
  {
    root: 'MES',
    description: 'Micro E-mini S&P 500',
    tickSize: 0.25,
    tickValueUsd: 1.25,
    commissionPerSideUsd: 0.37,
    micro: true,
    session: EQUITY_INDEX_SESSION,
  },
  {
    root: 'M2K',
    description: 'Micro E-mini Russell 2000',
    tickSize: 0.1,
    tickValueUsd: 0.5,
    commissionPerSideUsd: 0.37,
    micro: true,
    session: EQUITY_INDEX_SESSION,
  },
  {
    root: 'MGC',
    description: 'Micro Gold',
    tickSize: 0.1,
    tickValueUsd: 1.0,
    commissionPerSideUsd: 0.62,
    micro: true,
    session: COMEX_METALS_SESSION,
  },
];

/** The spec of a root symbol, or undefined. */
export function contractSpec(root: string): ContractSpec | undefined {
  return CONTRACT_SPECS.find((c) => c.root === root);
}
