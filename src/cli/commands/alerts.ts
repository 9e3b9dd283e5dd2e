// `txbot alerts test`: sends one test message through a configured alert channel (Telegram, email or webhook).

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { CONFIG_OPTION } from '../options.ts';
import { loadConfig } from '../../config/index.ts';
import { UsageError, type Alert } from '../../domain/index.ts';
import { buildChannel, CHANNEL_NAMES, type ChannelName } from '../../monitor/index.ts';
import { note, out } from '../output.ts';

interface TestOptions {
  channel?: string;
  url?: string;
  config?: string;
}

async function sendTest(opts: TestOptions): Promise<void> {
  const name = opts.channel as ChannelName | undefined;
  if (!name || !CHANNEL_NAMES.includes(name))
    throw new UsageError(`--channel: expected one of ${CHANNEL_NAMES.join(', ')} (got ${JSON.stringify(opts.channel ?? null)})`);
  const config = loadConfig({ file: opts.config }).config;
  const channel = buildChannel(name, config.monitoring, process.env, opts.url);
  const alert: Alert = {
    code: 'TEST_MESSAGE',
    severity: 'info',
    title: 'Test message',
    text: `txbot alerts test: the ${name} channel works.`,
    // the test message carries the wall-clock time it was sent
    tsMs: Date.now(),
  };
  note(`Sending a test message via ${name}...`);
  try {
    await channel.send(alert);
  } finally {
    await channel.close?.();
  }
  out(`sent: test message delivered via ${name}`);
}

/** Registers `txbot alerts test`. */
export function registerAlertsCommand(program: Command): void {
  const alerts = program.command('alerts').description(commandSummary('alerts'));
  alerts
    .command('test')
    .description('Send a test message through one channel, with the settings of monitoring.* and the secrets from the environment')
    .requiredOption('--channel <name>', `channel: ${CHANNEL_NAMES.join(' | ')}`)
    .option('--url <url>', 'override the endpoint: the Bot API base (telegram), the SMTP URL (email) or the webhook URL')
    .option(...CONFIG_OPTION)
    .addHelpText(
      'after',
      [
        '',
        'Secrets come from the environment only: TELEGRAM_BOT_TOKEN, SMTP_PASSWORD, WEBHOOK_TOKEN.',
        '',
        'Examples:',
        '  TELEGRAM_BOT_TOKEN=123:abc TXBOT__MONITORING__TELEGRAM__CHAT_ID=-100123 txbot alerts test --channel telegram',
        '  SMTP_PASSWORD=... txbot alerts test --channel email --url smtp://alerts@mail.example.com:587',
        '  txbot alerts test --channel webhook --url http://127.0.0.1:9000/hooks/txbot',
        '',
      ].join('\n'),
    )
    .action(sendTest);
}
