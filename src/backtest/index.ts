// The backtest layer's surface: runners and jobs for backtests, portfolios, retraining and walk-forward.
export { pluginWarnings, runBacktestJob } from './backtestJob.ts';
export { runPortfolioJob, portfolioModels, portfolioRecorders, writePortfolioRun } from './portfolioJob.ts';
export type { PortfolioInput, PortfolioRecorders, PortfolioJobResult } from './portfolioJob.ts';
export { tallyLine } from './retrainEffects.ts';
export { runRetrainingBacktest } from './retrainingBacktest.ts';
export { runBacktest } from './runner.ts';
export type { PortfolioRun } from './runner.ts';
export { runAccountOverWindows } from './walkForwardAccount.ts';
export type { AccountWindow } from './walkForwardAccount.ts';
export { continuousAccountHtml, continuousAccountOf, writeWalkForward } from './walkForwardJob.ts';
export type { WalkForwardAccount, WalkForwardSummary } from './walkForwardJob.ts';
export { rollingWindows, splitWindow } from './walkForwardPlan.ts';
export type { WalkForwardWindow } from './walkForwardPlan.ts';
export { runWindow, runWindowChain } from './walkForwardWindow.ts';
export { portfolioWindowJob, runPortfolioWindow, writePortfolioWalkForward } from './walkForwardPortfolio.ts';
export type { PortfolioWindowJob, PortfolioWindowResult, PortfolioWalkForwardSummary } from './walkForwardPortfolio.ts';
export type { WindowJob, WindowResult } from './walkForwardWindow.ts';
