// Public surface of the ProjectX Gateway (TopstepX) broker: REST client, hubs, account state, helpers.
export {
  ProjectXClient,
  type ProjectXClientOptions,
  type PlaceOrderRequest,
  type ModifyOrderRequest,
  type RetrieveBarsRequest,
  type BracketLegSpec,
} from './http/client.ts';
export { ProjectXSession, credentialsFromEnv, jwtExpiryMs, type ProjectXCredentials } from './http/session.ts';
export {
  placeOrderSafely,
  placeBracketEntry,
  findOrderByCustomTag,
  flattenContract,
  makeCustomTag,
  type PlaceResult,
  type FlattenResult,
  type BracketEntryIntent,
} from './http/orders.ts';
export { ContractResolver, pickFrontMonth, contractExpiryKey, type ResolvedContract } from './http/contracts.ts';
export { downloadBars, MAX_BARS_PER_REQUEST, type HistoryRequest } from './http/history.ts';
export { bracketFromPrices, bracketFromTickDistances, legPrice, type BracketSpec } from './brackets.ts';
export { ProjectXAccountState, type AccountSnapshot, type ApplyResult } from './accountState.ts';
export { ProjectXAccountSync, type AccountSyncEvents, type AccountSyncOptions } from './realtime/accountSync.ts';
export { ProjectXHubConnection, HubState, type HubResubscribed, type HubSubscription } from './realtime/hubConnection.ts';
export { UserHub, MarketHub, hubUrl, type UserHubEvents, type MarketHubEvents } from './realtime/hubs.ts';
export { ProjectXError, MissingCredentialsError, errorCodeName, type ProjectXErrorCode } from './errors.ts';
export {
  ExponentialBackoffPolicy,
  defaultHubRetryPolicy,
  defaultRestRetryPolicy,
  seededRandom,
  type RetryPolicy,
  type RetryContext,
} from './retryPolicy.ts';
export { SlidingWindowLimiter, ProjectXRateLimits } from './rateLimiter.ts';
export { systemClock, ManualClock, type Clock } from '../../domain/index.ts';
export { gatewayEndpoints, connectClient, GATEWAY_OPTION, RTC_OPTION, type GatewayEndpoints } from './connect.ts';
export * from './types.ts';
export { parseTimestampUtcMs, formatUtcIso } from './parse.ts';
export { connectRealtime, type ProjectXRealtime, type RealtimeOptions } from './realtime/realtimeSession.ts';
export { ProjectXBroker, type ProjectXBrokerOptions } from './projectxBroker.ts';
