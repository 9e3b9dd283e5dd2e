// Telegram channel: Bot API sendMessage (POST {api_base}/bot{TOKEN}/sendMessage); the token comes from TELEGRAM_BOT_TOKEN.

import { ConfigError } from '../../domain/index.ts';
import { formatAlertText, type Alert, type AlertChannel } from '../types.ts';
import { AlertDeliveryError, postJson } from './httpPost.ts';

/** Settings of the Telegram channel. */
export interface TelegramChannelOptions {
  /** Bot API base URL, e.g. https://api.telegram.org (tests: a local server). */
  readonly apiBase: string;
  readonly botToken: string;
  readonly chatId: string;
  readonly timeoutMs?: number;
}

/**
 * A channel sending each alert as a plain-text message to one chat. The Bot API answers
 * `{ ok: true, result }`; `ok: false` (HTTP 200 or not) is a failure.
 */
export function createTelegramChannel(options: TelegramChannelOptions): AlertChannel {
  if (!options.botToken)
    throw new ConfigError('monitoring.telegram: TELEGRAM_BOT_TOKEN is not set', [], { hint: 'export TELEGRAM_BOT_TOKEN=<bot token>' });
  if (!options.chatId) throw new ConfigError('monitoring.telegram.chat_id: expected the chat id to send to (got null)');
  const base = options.apiBase.replace(/\/+$/, '');
  const url = `${base}/bot${options.botToken}/sendMessage`;
  const describeUrl = `${base}/bot[REDACTED]/sendMessage`;
  return {
    name: 'telegram',
    async send(alert: Alert): Promise<void> {
      const body = { chat_id: options.chatId, text: formatAlertText(alert), disable_web_page_preview: true };
      const answer = (await postJson('telegram', url, body, { timeoutMs: options.timeoutMs ?? 10_000, describeUrl })) as {
        ok?: boolean;
        description?: string;
      } | null;
      if (!answer || answer.ok !== true)
        throw new AlertDeliveryError('telegram', `sendMessage answered ok=false: ${answer?.description ?? 'no description'}`, 200);
    },
  };
}
