// The list of CLI commands; each module registers one command (or group) on the program.

import type { Command } from 'commander';
import { registerConfigCommand } from './config.ts';
import { registerDataCommand } from './data.ts';
import { registerBacktestCommand } from './backtest.ts';
import { registerWalkForwardCommand } from './walkforward.ts';
import { registerCombineCommand } from './combine.ts';
import { registerDemoCommand } from './demo.ts';
import { registerJournalCommand } from './journal.ts';
import { registerAccountsCommand } from './accounts.ts';
import { registerContractsCommand } from './contracts.ts';
import { registerHistoryCommand } from './history.ts';
import { registerSimGatewayCommand } from './simGateway.ts';
import { registerTrainCommand } from './train.ts';
import { registerRetrainCommand } from './retrain.ts';
import { registerDriftCommand } from './drift.ts';
import { registerPaperCommand } from './paper.ts';
import { registerKillCommand } from './kill.ts';
import { registerLiveCommand } from './live.ts';
import { registerReplayCommand } from './replay.ts';
import { registerSummaryCommand } from './summary.ts';
import { registerAlertsCommand } from './alerts.ts';
import { registerDashboardCommand } from './dashboard.ts';
import { registerCalendarCommand } from './calendar.ts';
import { registerSentimentCommand } from './sentiment.ts';
import { registerVixCommand } from './vix.ts';

/** A command module: adds its command(s) to the root program. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  registerConfigCommand,
  registerDataCommand,
  registerDemoCommand,
  registerBacktestCommand,
  registerWalkForwardCommand,
  registerCombineCommand,
  registerJournalCommand,
  registerAccountsCommand,
  registerContractsCommand,
  registerHistoryCommand,
  registerSimGatewayCommand,
  registerTrainCommand,
  registerRetrainCommand,
  registerDriftCommand,
  registerSummaryCommand,
  registerAlertsCommand,
  registerDashboardCommand,
  registerPaperCommand,
  registerKillCommand,
  registerLiveCommand,
  registerReplayCommand,
  registerCalendarCommand,
  registerSentimentCommand,
  registerVixCommand,
];
