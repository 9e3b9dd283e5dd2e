// Start-up wiring for commands that talk to a gateway: base URLs from config or --gateway/--rtc
// overrides, credentials from PROJECTX_USERNAME / PROJECTX_API_KEY (checked before any request).

import type { Logger } from 'pino';
import type { Config } from '../../config/index.ts';
import { UsageError, type Clock } from '../../domain/index.ts';
import { ProjectXClient } from './http/client.ts';
import { credentialsFromEnv } from './http/session.ts';
import { ExponentialBackoffPolicy, type RetryPolicy } from './retryPolicy.ts';
import { createLogger } from '../../log/index.ts';

/** The option flags every gateway command takes (defined once, added by each command). */
export const GATEWAY_OPTION = ['--gateway <url>', 'ProjectX REST base URL, e.g. http://127.0.0.1:8080 (default: projectx.api_url)'] as const;
export const RTC_OPTION = ['--rtc <url>', 'ProjectX real-time hubs base URL (default: projectx.rtc_url)'] as const;

/** Resolved endpoints of a gateway. */
export interface GatewayEndpoints {
  readonly apiUrl: string;
  readonly rtcUrl: string;
  readonly live: boolean;
}

function checkUrl(flag: string, value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    return value;
  } catch {
    throw new UsageError(`${flag} must be an http(s) URL such as http://127.0.0.1:8080 (got "${value}")`);
  }
}

/** URLs from the options, else from config. */
export function gatewayEndpoints(config: Config, options: { gateway?: string; rtc?: string }): GatewayEndpoints {
  return {
    apiUrl: options.gateway ? checkUrl('--gateway', options.gateway) : config.projectx.api_url,
    rtcUrl: options.rtc ? checkUrl('--rtc', options.rtc) : config.projectx.rtc_url,
    live: config.projectx.live_data,
  };
}

/**
 * A REST client for the endpoints; throws MissingCredentialsError (naming the variables) before any request.
 * Defaults suit a command line: warnings (retries) to stderr, reads retried 0.5 s, 1 s, 2 s, 4 s then given up.
 */
export function connectClient(
  endpoints: GatewayEndpoints,
  options: { env?: NodeJS.ProcessEnv; logger?: Logger; clock?: Clock; retryPolicy?: RetryPolicy } = {},
): ProjectXClient {
  const credentials = credentialsFromEnv(options.env);
  return new ProjectXClient({
    apiUrl: endpoints.apiUrl,
    credentials: () => credentials,
    logger: options.logger ?? createLogger({ level: process.env.TXBOT_LOG_LEVEL ?? 'warn' }),
    clock: options.clock,
    retryPolicy: options.retryPolicy ?? new ExponentialBackoffPolicy({ firstDelayMs: 500, baseDelayMs: 1000, maxRetries: 4 }),
  });
}
