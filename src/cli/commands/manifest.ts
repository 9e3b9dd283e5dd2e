// The CLI's command list: name, one-line summary and how to load each command module. main.ts loads only
// the module of the command being run, so `txbot --help` and `txbot config check` start fast.

import type { Command } from 'commander';

/** A command module registers one command (or group) on the program. */
export type RegisterCommand = (program: Command) => void;

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'config', summary: 'Check or show the configuration', load: async () => (await import('./config.ts')).registerConfigCommand },
  { name: 'data', summary: 'Inspect market data files; generate synthetic bars', load: async () => (await import('./data.ts')).registerDataCommand },
  {
    name: 'demo',
    summary: 'Train the HMM on real data and backtest the following unseen period (synthetic data when ../shared/data is absent)',
    load: async () => (await import('./demo.ts')).registerDemoCommand,
  },
  {
    name: 'backtest',
    summary: 'Backtest the strategy on a bar file (simulated fills, costs always on); writes summary, trades, equity, decisions, report.html',
    load: async () => (await import('./backtest.ts')).registerBacktestCommand,
  },
  {
    name: 'walkforward',
    summary: 'Walk-forward test: train a fresh HMM on each window, test on the next unseen days, roll on (windows run in parallel)',
    load: async () => (await import('./walkforward.ts')).registerWalkForwardCommand,
  },
  {
    name: 'optimize',
    summary:
      'Walk-forward optimization: search optimize.space on each training window, run the best once on the next unseen window; overfitting statistics',
    load: async () => (await import('./optimize.ts')).registerOptimizeCommand,
  },
  {
    name: 'worker',
    summary: 'Serve txbot optimize trials from a BullMQ queue (Redis) on this machine',
    load: async () => (await import('./worker.ts')).registerWorkerCommand,
  },
  {
    name: 'combine',
    summary: 'Pass probability of a Topstep Combine, bootstrapped from the daily results of a backtest or walk-forward folder',
    load: async () => (await import('./combine.ts')).registerCombineCommand,
  },
  { name: 'journal', summary: 'Read the trading journal', load: async () => (await import('./journal.ts')).registerJournalCommand },
  {
    name: 'accounts',
    summary: 'List trading accounts of the ProjectX gateway (credentials from PROJECTX_USERNAME / PROJECTX_API_KEY)',
    load: async () => (await import('./accounts.ts')).registerAccountsCommand,
  },
  {
    name: 'contracts',
    summary: 'Search contracts on the ProjectX gateway (at most 20 results)',
    load: async () => (await import('./contracts.ts')).registerContractsCommand,
  },
  { name: 'history', summary: 'Historical bars from the ProjectX gateway', load: async () => (await import('./history.ts')).registerHistoryCommand },
  {
    name: 'sim-gateway',
    summary: 'Run a local ProjectX Gateway simulator (REST endpoints and /hubs/user, /hubs/market) on historical bars',
    load: async () => (await import('./simGateway.ts')).registerSimGatewayCommand,
  },
  {
    name: 'rl',
    summary: 'RL agent: train a PPO policy on the trading environment, evaluate it beside the rules, walk it forward with baselines',
    load: async () => (await import('./rl.ts')).registerRlCommand,
  },
  {
    name: 'train',
    summary: 'Fit the regime HMM (config hmm.*) on a bar file and save the model as JSON',
    load: async () => (await import('./train.ts')).registerTrainCommand,
  },
  {
    name: 'retrain',
    summary: 'Retrain the regime HMM on the latest window of a bar file, compare with the current model on held-out days, and swap only if better',
    load: async () => (await import('./retrain.ts')).registerRetrainCommand,
  },
  {
    name: 'drift',
    summary:
      'Replay bars through a saved regime model: rolling log-likelihood ratio per day vs the training baseline, and when drift would trigger a retrain',
    load: async () => (await import('./drift.ts')).registerDriftCommand,
  },
  {
    name: 'summary',
    summary: 'Print the daily summary of a trading day from the journal (default: the latest day)',
    load: async () => (await import('./summary.ts')).registerSummaryCommand,
  },
  { name: 'alerts', summary: 'Alert channels (Telegram, email, webhook)', load: async () => (await import('./alerts.ts')).registerAlertsCommand },
  {
    name: 'dashboard',
    summary: 'Serve the web dashboard (regime, position, P&L vs limits, risk state, equity, trades, decisions, alerts)',
    load: async () => (await import('./dashboard.ts')).registerDashboardCommand,
  },
  {
    name: 'paper',
    summary: 'Paper-trade on live data: market hub bars, simulated fills (backtest rules), journal; no order reaches the venue',
    load: async () => (await import('./paper.ts')).registerPaperCommand,
  },
  {
    name: 'kill',
    summary: 'Kill switch: the running paper/live session flattens, cancels all orders and halts for the day',
    load: async () => (await import('./kill.ts')).registerKillCommand,
  },
  {
    name: 'status',
    summary: 'Who leads the machines of the account (host, pid, token, lease age), the standbys, positions, P&L and regime (state.kind redis)',
    load: async () => (await import('./status.ts')).registerStatusCommand,
  },
  {
    name: 'live',
    summary: 'Trade live on a ProjectX account (server-side brackets); requires --confirm-live',
    load: async () => (await import('./live.ts')).registerLiveCommand,
  },
  {
    name: 'replay',
    summary: 'Replay a bar file through the live code path (simulator, sockets, bar aggregation, journal); same outputs and trades as txbot backtest',
    load: async () => (await import('./replay.ts')).registerReplayCommand,
  },
  {
    name: 'calendar',
    summary: 'Economic calendar: the dated events the news blackout uses (PLUG: live_calendar)',
    load: async () => (await import('./calendar.ts')).registerCalendarCommand,
  },
  {
    name: 'sentiment',
    summary: 'News sentiment: the session value in [-1, 1] that modifies position size (PLUG: sentiment_score)',
    load: async () => (await import('./sentiment.ts')).registerSentimentCommand,
  },
  {
    name: 'vix',
    summary: 'VIX filter input: the previous session close and its size multiplier',
    load: async () => (await import('./vix.ts')).registerVixCommand,
  },
];

/** The summary of command `name` (its `--help` description). */
export function commandSummary(name: string): string {
  const c = COMMANDS.find((x) => x.name === name);
  if (!c) throw new Error(`no such command in the manifest: ${name}`);
  return c.summary;
}
