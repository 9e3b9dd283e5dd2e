// The report surface: summaries, metrics, the Combine simulation, output files and the HTML report.
export { combineDays, combineForRun, combineRulesOf, simulateCombine, stopRiskLookup } from './combine.ts';
export { dailyResultsFromEquityCsv } from './dailyFromEquity.ts';
export { labelQualityOfRun } from './labelQualitySection.ts';
export { computeMetrics, dailyRatios } from './metrics.ts';
export type { PerformanceMetrics } from './metrics.ts';
export { DecisionLog, csvField, equityCsv, outputDir, stableJson, tradesCsv, writeRunFiles } from './outputs.ts';
export { dailyPnlCorrelation, portfolioEquityCsv, portfolioSectionHtml, symbolSummaries } from './portfolio.ts';
export type { SymbolSummary } from './portfolio.ts';
export { RegimeIndexRecorder } from './regimeIndex.ts';
export { esc, renderReportHtml } from './reportHtml.ts';
export { renderRlReportHtml } from './rlReport.ts';
export { runFolderInfo, tradesFromCsv } from './runFolder.ts';
export { accountStateLine, buildReportInput, buildSummary, sha256 } from './summary.ts';
export type { BacktestSummary } from './summary.ts';
