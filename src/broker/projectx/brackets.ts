// Pure bracket helpers: absolute stop/target prices → the signed tick offsets ProjectX expects
// (long: stop negative, target positive; short the reverse), stop leg type 4, target leg type 1.

import { BrokerError, type Side } from '../../domain/index.ts';
import { OrderType } from './types.ts';

/** The two legs for Order/place. */
export interface BracketSpec {
  readonly stopLossBracket: { readonly ticks: number; readonly type: OrderType };
  readonly takeProfitBracket: { readonly ticks: number; readonly type: OrderType };
}

/**
 * Signed offsets in ticks from the entry (fill) price:
 * stopTicks = round((stop − entry) / tickSize), targetTicks = round((target − entry) / tickSize).
 * A long needs stop < entry < target (so stopTicks < 0 < targetTicks), a short the reverse. Source:
 * live rejections "Invalid stop loss ticks (40). Ticks should be less than zero when longing." (reference §1.3, §1.8).
 */
export function bracketFromPrices(side: Side, entryPrice: number, stopPrice: number, targetPrice: number, tickSize: number): BracketSpec {
  const stopTicks = Math.round((stopPrice - entryPrice) / tickSize);
  const targetTicks = Math.round((targetPrice - entryPrice) / tickSize);
  const ok = side === 'long' ? stopTicks < 0 && targetTicks > 0 : stopTicks > 0 && targetTicks < 0;
  if (!ok) {
    throw new BrokerError(
      'INVALID_BRACKET',
      `bracket for a ${side} entry at ${entryPrice}: expected stop ${side === 'long' ? 'below' : 'above'} and target ${side === 'long' ? 'above' : 'below'} the entry by at least one tick (${tickSize}), found stop ${stopPrice} (${stopTicks} ticks) and target ${targetPrice} (${targetTicks} ticks)`,
      false,
    );
  }
  return { stopLossBracket: { ticks: stopTicks, type: OrderType.Stop }, takeProfitBracket: { ticks: targetTicks, type: OrderType.Limit } };
}

/**
 * Signed legs from unsigned distances (as src/broker/broker.ts BracketOrderRequest carries them):
 * long → stop −stopTicks, target +targetTicks; short → stop +stopTicks, target −targetTicks.
 */
export function bracketFromTickDistances(side: Side, stopTicks: number, targetTicks: number): BracketSpec {
  if (!Number.isInteger(stopTicks) || !Number.isInteger(targetTicks) || stopTicks < 1 || targetTicks < 1) {
    throw new BrokerError(
      'INVALID_BRACKET',
      `bracket distances: expected whole ticks >= 1, found stop ${stopTicks} and target ${targetTicks}`,
      false,
    );
  }
  const sign = side === 'long' ? 1 : -1;
  return {
    stopLossBracket: { ticks: -sign * stopTicks, type: OrderType.Stop },
    takeProfitBracket: { ticks: sign * targetTicks, type: OrderType.Limit },
  };
}

/** Absolute price of a leg once the entry fills at `fillPrice`: fillPrice + ticks · tickSize, on the tick grid. */
export function legPrice(fillPrice: number, ticks: number, tickSize: number): number {
  return Math.round((fillPrice + ticks * tickSize) / tickSize) * tickSize;
}
