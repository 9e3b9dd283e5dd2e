// The list of CLI commands; each module registers one command (or group) on the program.

import type { Command } from 'commander';
import { registerConfigCommand } from './config.ts';
import { registerDataCommand } from './data.ts';
import { registerBacktestCommand } from './backtest.ts';
import { registerJournalCommand } from './journal.ts';

/** A command module: adds its command(s) to the root program. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  registerConfigCommand,
  registerDataCommand,
  registerBacktestCommand,
  registerJournalCommand,
];
