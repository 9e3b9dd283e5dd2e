// Seam `broker`: which BrokerPort executes the engine's commands. The run mode decides it (not a config
// key): backtest, walk-forward, replay and paper use the simulated broker (the documented fill rules);
// live uses ProjectX with server-side brackets (`replay --execution gateway` too, against the simulator).

import type { Logger } from 'pino';
import type { Config } from '../../config/index.ts';
import type { Instrument } from '../../domain/index.ts';
import type { BrokerPort } from '../../engine/index.ts';
import { SimBroker, ProjectXBroker, type ProjectXAccountSync, type ProjectXClient, type VenueAlert } from '../../broker/index.ts';

export type BrokerSpec =
  | { readonly kind: 'sim' }
  | {
      readonly kind: 'projectx';
      readonly client: ProjectXClient;
      readonly sync: ProjectXAccountSync;
      readonly accountId: number;
      readonly contractId: string;
      readonly tickSize: number;
      readonly logger: Logger;
      /** Disagreements with the venue and flattens that needed more than closeContract. */
      readonly onAlert?: (a: VenueAlert) => void;
    };

/** The broker of a run for one instrument. */
export function createBroker(config: Config, instrument: Instrument, spec: Extract<BrokerSpec, { kind: 'projectx' }>): ProjectXBroker;
export function createBroker(config: Config, instrument: Instrument, spec: BrokerSpec): BrokerPort;
export function createBroker(config: Config, instrument: Instrument, spec: BrokerSpec): BrokerPort {
  switch (spec.kind) {
    case 'sim':
      return new SimBroker({ instrument, slippageTicks: config.backtest.slippage_ticks });
    case 'projectx':
      return new ProjectXBroker({ ...spec, symbol: instrument.symbol });
  }
}
