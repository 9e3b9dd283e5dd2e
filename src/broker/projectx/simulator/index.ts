// Public surface of the ProjectX Gateway simulator.
export { GatewaySimulator, defaultSimContracts, type GatewaySimulatorOptions, type SimAddress } from './gatewaySimulator.ts';
export { FaultPlan } from './faults.ts';
export { barToTicks, aggregateBars, type BarPath } from './marketReplay.ts';
export type { SimAccount, SimContract } from './model.ts';
