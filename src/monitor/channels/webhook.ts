// Generic webhook channel: one JSON POST per alert; an optional bearer token comes from WEBHOOK_TOKEN.

import { ConfigError } from '../../domain/index.ts';
import type { Alert, AlertChannel } from '../types.ts';
import { postJson } from './httpPost.ts';

/** Settings of the webhook channel. */
export interface WebhookChannelOptions {
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  readonly token?: string;
  readonly timeoutMs?: number;
}

/** The JSON body a webhook receives (version 1). */
export interface WebhookPayload {
  readonly source: 'txbot';
  readonly version: 1;
  readonly code: Alert['code'];
  readonly severity: Alert['severity'];
  readonly title: string;
  readonly text: string;
  readonly tsMs: number;
  /** tsMs as ISO 8601 UTC. */
  readonly time: string;
}

/** Builds the webhook body of an alert. */
export function webhookPayload(alert: Alert): WebhookPayload {
  return {
    source: 'txbot',
    version: 1,
    code: alert.code,
    severity: alert.severity,
    title: alert.title,
    text: alert.text,
    tsMs: alert.tsMs,
    time: new Date(alert.tsMs).toISOString(),
  };
}

/** A channel POSTing `webhookPayload(alert)` to `url`; any 2xx answer is success. */
export function createWebhookChannel(options: WebhookChannelOptions): AlertChannel {
  let parsed: URL;
  try {
    parsed = new URL(options.url);
  } catch {
    throw new ConfigError(`monitoring.webhook.url: expected an http(s) URL (got ${JSON.stringify(options.url)})`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new ConfigError(`monitoring.webhook.url: expected an http(s) URL (got ${JSON.stringify(options.url)})`);
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const describeUrl = `${parsed.origin}${parsed.pathname}`;
  return {
    name: 'webhook',
    async send(alert: Alert): Promise<void> {
      await postJson('webhook', options.url, webhookPayload(alert), { timeoutMs: options.timeoutMs ?? 10_000, headers, describeUrl });
    },
  };
}
