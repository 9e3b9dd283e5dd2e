// `txbot config check|show`: validate a config file, print the effective config (secrets redacted).

import { regimeRuleWarnings } from '../../strategy/index.ts';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { stringify } from 'yaml';
import { loadConfig } from '../../config/index.ts';
import { ConfigError } from '../../domain/index.ts';
import { configFileProblems } from '../configFiles.ts';
import { note, out } from '../output.ts';

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description(commandSummary('config'));
  config
    .command('check')
    .argument('[file]', 'config file (default: ./config.yaml, else embedded defaults)')
    .description('Validate a config file: exit 0 with OK, or exit 2 listing every problem')
    .addHelpText('after', '\nExamples:\n  txbot config check\n  txbot config check my-config.yaml')
    .action((file?: string) => {
      const loaded = loadConfig({ file });
      const files = configFileProblems(loaded);
      if (files.problems.length)
        throw new ConfigError(
          `${loaded.sourcePath ?? 'embedded defaults'}: ${files.problems.length} problem(s) with files the configuration names`,
          files.problems,
        );
      for (const n of files.notes) note(`note: ${n}`);
      for (const w of regimeRuleWarnings(loaded.config)) note(`warning: ${w}`);
      out(
        `OK: ${loaded.sourcePath ?? 'embedded defaults'} is valid (${loaded.config.hmm.n_states} states, instrument ${loaded.config.backtest.instrument === 'auto' ? "auto: from each data file's name" : loaded.config.backtest.instrument})`,
      );
    });
  config
    .command('show')
    .argument('[file]', 'config file')
    .description('Print the effective configuration after defaults and TXBOT__ env overrides')
    .addHelpText('after', '\nExamples:\n  txbot config show\n  TXBOT__RISK__MAX_CONTRACTS_MINIS=2 txbot config show')
    .action((file?: string) => {
      out(stringify(loadConfig({ file }).config));
    });
}
