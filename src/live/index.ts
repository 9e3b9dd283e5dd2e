// The live layer's surface: live runner, bar feed, journal recorder, reconciliation and start-up.
export { BarAggregator } from './barAggregator.ts';
export type { EmptyBarPolicy } from './barAggregator.ts';
export { LiveBarFeed } from './barFeed.ts';
export { JournalRecorder } from './journalRecorder.ts';
export { journalTrainingClock } from './journalTrainingClock.ts';
export { ExchangeClock } from './liveClock.ts';
export { LiveRunner } from './liveRunner.ts';
export type { LiveStatus } from './liveRunner.ts';
export { barEvents, orderEndEvent, orderSentEvent, publishingJournal, riskEvent, startSessionMonitor, watchHub } from './monitorBridge.ts';
export type { SessionMonitor } from './monitorBridge.ts';
export { KILL_SIGNAL, pidFilePath, removePidFile, signalKill, writePidFile } from './pidFile.ts';
export { reconcileLive } from './reconcile.ts';
export { historyForWarmUp, killedToday, restoreRisk } from './startup.ts';
