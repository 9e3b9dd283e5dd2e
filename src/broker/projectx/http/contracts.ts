// Contract resolution: a root (MNQ, MES, M2K, MGC) → the active front-month contract id, tick size and
// tick value, cached and re-resolved when it ages out or the cached contract stops being active (roll).

import { BrokerError, type Clock } from '../../../domain/index.ts';
import type { PxContract } from '../types.ts';
import type { ProjectXClient } from './client.ts';

const MONTH_CODES = 'FGHJKMNQUVXZ';

/** The front-month contract of a root. */
export interface ResolvedContract {
  readonly root: string;
  readonly contractId: string;
  readonly name: string;
  readonly tickSize: number;
  readonly tickValueUsd: number;
  readonly resolvedAtMs: number;
}

/** Expiry sort key (year·12 + month) of an id `CON.F.US.<root>.<M><yy>`, or null when the id has another shape. */
export function contractExpiryKey(contractId: string, root: string): number | null {
  const m = new RegExp(`^CON\\.F\\.US\\.${root.replace(/[^A-Za-z0-9]/g, '')}\\.([${MONTH_CODES}])(\\d{2})$`).exec(contractId);
  if (!m) return null;
  return (2000 + Number(m[2])) * 12 + MONTH_CODES.indexOf(m[1]!);
}

/**
 * Picks the front month among search results: ids of exactly this root (so NQ never matches ENQ), active,
 * earliest expiry. Returns null when none qualifies.
 */
export function pickFrontMonth(contracts: readonly PxContract[], root: string): PxContract | null {
  let best: { c: PxContract; key: number } | null = null;
  for (const c of contracts) {
    const key = contractExpiryKey(c.id, root);
    if (key === null || !c.activeContract) continue;
    if (!best || key < best.key) best = { c, key };
  }
  return best?.c ?? null;
}

/** Caches the front month per root; re-resolves after `maxAgeMs` (default 1 h) or on `invalidate`. */
export class ContractResolver {
  private readonly cache = new Map<string, ResolvedContract>();

  constructor(
    private readonly client: ProjectXClient,
    private readonly live: boolean,
    private readonly clock: Clock = client.clock,
    private readonly maxAgeMs = 3_600_000,
  ) {}

  /** The front month of `root`; emits nothing, callers compare `contractId` to detect a roll. */
  async resolve(root: string): Promise<ResolvedContract> {
    const key = root.toUpperCase();
    const cached = this.cache.get(key);
    if (cached && this.clock.nowMs() - cached.resolvedAtMs < this.maxAgeMs) return cached;
    const found = pickFrontMonth(await this.client.searchContracts(key, this.live), key);
    if (!found) {
      throw new BrokerError(
        'CONTRACT_NOT_FOUND',
        `ProjectX Contract/search "${key}": expected an active contract with id CON.F.US.${key}.<month><yy>, found none`,
        false,
        {
          hint: 'use a root symbol such as MNQ, MES, M2K or MGC (ProjectX names the E-mini NQ "ENQ" and ES "EP")',
        },
      );
    }
    const resolved: ResolvedContract = {
      root: key,
      contractId: found.id,
      name: found.name,
      tickSize: found.tickSize,
      tickValueUsd: found.tickValueUsd,
      resolvedAtMs: this.clock.nowMs(),
    };
    this.cache.set(key, resolved);
    return resolved;
  }

  /** Forgets a root so the next resolve asks the gateway (call at the roll date). */
  invalidate(root?: string): void {
    if (root) this.cache.delete(root.toUpperCase());
    else this.cache.clear();
  }
}
