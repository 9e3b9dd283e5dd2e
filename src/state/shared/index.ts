// Public surface of the shared (multi-machine) state: leader lease and elector, fenced risk state, kill
// switch, model sync on PostgreSQL, connection security and Redis settings checks.

export { SharedStateError, type SharedStateErrorCode } from './sharedStateError.ts';
export { systemMonotonicClock, systemTimers, type MonotonicClock, type TimerHandle, type Timers } from './monotonicClock.ts';
export { leaseKeys, type LeaseKeys } from './leaseScripts.ts';
export {
  DEFAULT_LEASE_MARGIN_MS,
  DEFAULT_LEASE_TTL_MS,
  defaultHolderInfo,
  LeaderLease,
  leadershipLost,
  type AcquireResult,
  type LeaderLeaseOptions,
  type LeaseHolderInfo,
  type RenewResult,
} from './leaderLease.ts';
export { ElectorState, LeaderElector, type ElectorEvents, type LeaderElectorOptions, type LostReason } from './leaderElector.ts';
export { readLeaderStatus, type LeaderInfo, type LeaderStatus, type StandbyInfo } from './leaderStatus.ts';
export { FencedStateStore, type FencedOp, type FencedStateStoreOptions, type FencedWriteResult } from './fencedStateStore.ts';
export {
  RedisRiskState,
  type RedisRiskStateOptions,
  type RiskUpdate,
  type SharedDailyPnl,
  type SharedHalt,
  type SharedPosition,
  type SharedRegime,
  type SharedRiskSnapshot,
} from './redisRiskState.ts';
export { killKeys, readKillRequest, requestKill, watchKillRequests, type KillRequest, type KillWatch, type KillWatchOptions } from './killSwitch.ts';
export {
  migrateModelSync,
  PgModelSync,
  type ModelSubscription,
  type ModelVersion,
  type ModelVersionNotice,
  type PgModelSyncOptions,
  type PublishResult,
} from './pgModelSync.ts';
export {
  assertStateUrlAllowed,
  inspectStateUrl,
  maskUrlPassword,
  pgConfigFromUrl,
  redisOptionsFromUrl,
  STATE_SECRET_ENV_VARS,
  type StateStoreKind,
  type StateUrlFacts,
  type StateUrlOptions,
} from './stateUrl.ts';
export {
  checkRedisSettings,
  redisSettingWarnings,
  type RedisSettingCode,
  type RedisSettingsReport,
  type RedisSettingWarning,
} from './redisSettings.ts';
