// Where the venue's own position brackets (TopstepX "Position Brackets" setting) belong for a position:
// side, size and prices of its stop and target; pure, used by the matching engine's fault switch.

import { legPrice } from '../brackets.ts';
import { OrderSideCode } from '../types.ts';
import type { PositionBracketSetting } from './faults.ts';

/** The stop and target the venue keeps on a position (a price is null when that leg is not attached). */
export interface PositionBracketTargets {
  readonly side: OrderSideCode;
  readonly size: number;
  readonly stopPrice: number | null;
  readonly limitPrice: number | null;
}

/**
 * Targets for a position of `netSize` at `averagePrice`: the exit side, |netSize|, the stop `stopLossTicks`
 * ticks on the losing side and the target `takeProfitTicks` ticks on the winning side, on the tick grid;
 * null when flat.
 */
export function positionBracketTargets(
  setting: PositionBracketSetting,
  netSize: number,
  averagePrice: number,
  tickSize: number,
): PositionBracketTargets | null {
  if (netSize === 0) return null;
  const dir = netSize > 0 ? 1 : -1;
  return {
    side: dir > 0 ? OrderSideCode.Ask : OrderSideCode.Bid,
    size: Math.abs(netSize),
    stopPrice: setting.stopLossTicks === null ? null : legPrice(averagePrice, -dir * setting.stopLossTicks, tickSize),
    limitPrice: setting.takeProfitTicks === null ? null : legPrice(averagePrice, dir * setting.takeProfitTicks, tickSize),
  };
}
