// Position bookkeeping for the risk manager: signed quantities, average prices, realized/unrealized P&L, stop risk.

import { pointValueUsd, type Instrument } from '../../domain/index.ts';
import { contractUnits } from './exposure.ts';
import type { InstrumentMap, RiskFill } from './types.ts';

/** One open position; qty > 0 long, < 0 short. */
export interface PositionState {
  readonly symbol: string;
  readonly qty: number;
  readonly avgPrice: number;
  /** Last mark (fill or markToMarket price). */
  readonly markPrice: number;
  /** Stop-loss money attached at entry (from committed reservations), scaled down on partial exits. */
  readonly riskUsd: number;
}

interface MutablePosition {
  symbol: string;
  qty: number;
  avgPrice: number;
  markPrice: number;
  riskUsd: number;
  /** Net P&L (commissions included) of the current round trip, flat to flat. */
  tripPnlUsd: number;
}

/** What one fill did to the account. */
export interface FillEffect {
  /** Realized P&L of the fill, net of its commission. */
  readonly realizedUsd: number;
  /** Net P&L of a round trip that this fill closed (position back to flat), else null. */
  readonly closedTripPnlUsd: number | null;
}

/**
 * Positions of one account across instruments, average-price accounting:
 * realized = (exit − avg) × closedQty × sign × pointValue − commission; unrealized = (mark − avg) × qty × pointValue.
 */
export class AccountBook {
  private readonly book = new Map<string, MutablePosition>();
  constructor(private readonly instruments: InstrumentMap) {}

  instrument(symbol: string): Instrument | undefined {
    return this.instruments.get(symbol);
  }

  /** Applies a fill; a fill larger than the opposite position flips it at the fill price. */
  applyFill(f: RiskFill): FillEffect {
    const inst = this.instruments.get(f.symbol);
    if (!inst) throw new RangeError(`fill for unknown instrument ${f.symbol}`);
    const pv = pointValueUsd(inst);
    const p = this.book.get(f.symbol) ?? { symbol: f.symbol, qty: 0, avgPrice: 0, markPrice: f.price, riskUsd: 0, tripPnlUsd: 0 };
    const signed = f.side === 'buy' ? f.qty : -f.qty;
    let realized = -f.commissionUsd;
    let closedTrip: number | null = null;
    if (p.qty !== 0 && Math.sign(signed) !== Math.sign(p.qty)) {
      const closing = Math.min(Math.abs(signed), Math.abs(p.qty));
      realized += (f.price - p.avgPrice) * closing * Math.sign(p.qty) * pv;
      const before = p.qty;
      p.qty += Math.sign(signed) * closing;
      p.riskUsd = p.qty === 0 ? 0 : p.riskUsd * (Math.abs(p.qty) / Math.abs(before));
      const rest = signed + Math.sign(before) * closing;
      p.tripPnlUsd += realized;
      if (p.qty === 0) {
        closedTrip = p.tripPnlUsd;
        p.tripPnlUsd = 0;
        if (rest !== 0) {
          p.qty = rest;
          p.avgPrice = f.price;
        }
      }
    } else {
      p.avgPrice = (p.avgPrice * Math.abs(p.qty) + f.price * Math.abs(signed)) / (Math.abs(p.qty) + Math.abs(signed));
      p.qty += signed;
      p.tripPnlUsd += realized;
    }
    p.markPrice = f.price;
    if (p.qty === 0 && p.riskUsd === 0) this.book.delete(f.symbol);
    else this.book.set(f.symbol, p);
    return { realizedUsd: realized, closedTripPnlUsd: closedTrip };
  }

  /** Sets the mark price of a symbol's position (ignored when flat). */
  mark(symbol: string, price: number): void {
    const p = this.book.get(symbol);
    if (p) p.markPrice = price;
  }

  /** Adds stop-loss money to a symbol (from a committed reservation; kept until the position is flat). */
  addRisk(symbol: string, riskUsd: number): void {
    const p = this.book.get(symbol) ?? { symbol, qty: 0, avgPrice: 0, markPrice: 0, riskUsd: 0, tripPnlUsd: 0 };
    p.riskUsd += riskUsd;
    this.book.set(symbol, p);
  }

  /** Σ (mark − avg) × qty × pointValue over open positions. */
  unrealizedUsd(): number {
    if (this.book.size === 0) return 0; // flat: no iterator (asked several times per bar)
    let u = 0;
    for (const p of this.book.values()) u += this.unrealizedOf(p);
    return u;
  }

  /**
   * Σ money still at risk to the stops: max(0, riskUsd + unrealized) per position (the loss
   * already marked is in equity), or riskUsd for committed entries not filled yet; of the symbols in
   * `only` when given.
   */
  remainingRiskUsd(only?: ReadonlySet<string>): number {
    let r = 0;
    for (const p of this.book.values()) {
      if (only && !only.has(p.symbol)) continue;
      r += p.qty === 0 ? p.riskUsd : Math.max(0, p.riskUsd + this.unrealizedOf(p));
    }
    return r;
  }

  /** Σ |qty| × units (micro = 1, mini = 10), of the symbols in `only` when given. */
  usedUnits(only?: ReadonlySet<string>): number {
    let u = 0;
    for (const p of this.book.values()) {
      if (only && !only.has(p.symbol)) continue;
      const inst = this.instruments.get(p.symbol);
      if (inst) u += Math.abs(p.qty) * contractUnits(inst);
    }
    return u;
  }

  /** Signed quantity of a symbol (0 when flat). */
  qtyOf(symbol: string): number {
    return this.book.get(symbol)?.qty ?? 0;
  }

  /** Open positions (qty ≠ 0). */
  positions(): PositionState[] {
    return [...this.book.values()]
      .filter((p) => p.qty !== 0)
      .map((p) => ({ symbol: p.symbol, qty: p.qty, avgPrice: p.avgPrice, markPrice: p.markPrice, riskUsd: p.riskUsd }));
  }

  /** Drops stop risk attached to flat symbols (committed entries that never filled). */
  clearFlatRisk(): void {
    for (const [k, p] of this.book) if (p.qty === 0) this.book.delete(k);
  }

  private unrealizedOf(p: MutablePosition): number {
    const inst = this.instruments.get(p.symbol);
    return inst && p.qty !== 0 ? (p.markPrice - p.avgPrice) * p.qty * pointValueUsd(inst) : 0;
  }
}
