// Shared HTTP POST of a JSON body for the Telegram and webhook channels, with a timeout and errors that keep the status.

import { TxbotError } from '../../domain/index.ts';

/** A channel delivery failure; `status` is the HTTP status (null for network errors and timeouts). */
export class AlertDeliveryError extends TxbotError {
  readonly channel: string;
  readonly status: number | null;
  constructor(channel: string, message: string, status: number | null, options: { cause?: unknown } = {}) {
    super('ALERT_DELIVERY_FAILED', `${channel}: ${message}`, options);
    this.channel = channel;
    this.status = status;
  }
}

/**
 * POSTs `body` as JSON to `url`; resolves with the parsed JSON response (or null for an empty body),
 * rejects with AlertDeliveryError on a network error, a timeout or a non-2xx status. `describeUrl` is what
 * error messages show instead of the URL (the Telegram URL contains the bot token).
 */
export async function postJson(
  channel: string,
  url: string,
  body: unknown,
  options: { timeoutMs: number; headers?: Record<string, string>; describeUrl: string },
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    const what = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : 'network error';
    throw new AlertDeliveryError(channel, `POST ${options.describeUrl}: ${what}`, null);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) throw new AlertDeliveryError(channel, `POST ${options.describeUrl}: HTTP ${res.status} ${text.slice(0, 200)}`, res.status);
  if (text.length === 0) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
