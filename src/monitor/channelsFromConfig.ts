// The one wiring point building alert channels from the `monitoring` config and secrets from the environment.

import type { Config } from '../config/index.ts';
import { readSecret } from '../log/index.ts';
import { ConfigError } from '../domain/index.ts';
import { createEmailChannel } from './channels/email.ts';
import { createTelegramChannel } from './channels/telegram.ts';
import { createWebhookChannel } from './channels/webhook.ts';
import type { AlertChannel } from './types.ts';

/** The external channels (the log channel is always on and built separately). */
export const CHANNEL_NAMES = ['telegram', 'email', 'webhook'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/**
 * Builds one channel from config; `url` overrides its endpoint (Bot API base, SMTP URL or webhook URL).
 * Raises ConfigError naming the missing key or environment variable.
 */
export function buildChannel(name: ChannelName, m: Config['monitoring'], env: NodeJS.ProcessEnv = process.env, url?: string): AlertChannel {
  switch (name) {
    case 'telegram':
      return createTelegramChannel({
        apiBase: url ?? m.telegram.api_base,
        botToken: readSecret('TELEGRAM_BOT_TOKEN', env) ?? '',
        chatId: m.telegram.chat_id ?? '',
      });
    case 'email': {
      const smtpUrl = url ?? m.email.smtp_url;
      if (!smtpUrl) throw new ConfigError('monitoring.email.smtp_url: expected smtp://user@host:port (got null)');
      return createEmailChannel({ smtpUrl, password: readSecret('SMTP_PASSWORD', env), from: m.email.from ?? '', to: m.email.to });
    }
    case 'webhook': {
      const hook = url ?? m.webhook.url;
      if (!hook) throw new ConfigError('monitoring.webhook.url: expected an http(s) URL (got null)');
      return createWebhookChannel({ url: hook, token: readSecret('WEBHOOK_TOKEN', env) });
    }
  }
}

/** Every enabled external channel. */
export function channelsFromConfig(m: Config['monitoring'], env: NodeJS.ProcessEnv = process.env): AlertChannel[] {
  return CHANNEL_NAMES.filter((n) => m[n].enabled).map((n) => buildChannel(n, m, env));
}
