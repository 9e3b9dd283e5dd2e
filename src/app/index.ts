// The composition root's surface: run contexts, sessions, replay, walk-forward and optimization runs.
export { runOptimize, startOptimizeWorker } from './optimizeRun.ts';
export { runReplay } from './replay.ts';
export {
  backtestPolicy,
  dateBlocks,
  flatPolicy,
  policyOfFile,
  randomSameTradeCount,
  regimeModelBefore,
  regimeModelOfPolicy,
  trainRlPolicy,
} from './rlJobs.ts';
export { runRlWalkForward } from './rlWalkForward.ts';
export type { RlComparisonRow, Stat } from './rlWalkForward.ts';
export { buildRunContext } from './runContext.ts';
export { checkSessionOptions, runSessionCommand } from './sessionCommand.ts';
export type { SessionCliOptions } from './sessionCommand.ts';
export { connectStateRedis, redisStateConfig, sharedKeyPrefixes } from './sharedState.ts';
export { runWalkForward, runPortfolioWalkForward } from './walkForward.ts';
