// The backtest job behind `txbot backtest` and `txbot demo`: load data, get a model (saved or trained
// in-sample), run the engine on the simulated broker, write summary/trades/equity/decisions/report.

import { readFileSync } from 'node:fs';
import type { BarSeries } from '../domain/bar.ts';
import { ModelError } from '../domain/errors.ts';
import type { LoadedConfig } from '../config/loader.ts';
import {
  RegimeDetector,
  regimeModelFromJson,
  regimeModelToJson,
  trainRegimeModel,
  hashBars,
  type RegimeModel,
  type TrainResult,
  type EmIteration,
} from '../regime/index.ts';
import { loadMarketContext, createRiskManager, startingBalance } from './wiring.ts';
import { runBacktest } from './runner.ts';
import { buildSummary, buildReportInput, sha256, type BacktestSummary } from './summary.ts';
import { renderReportHtml } from './reportHtml.ts';
import { decisionJson, equityCsv, outputDir, stableJson, tradesCsv, SyncLineWriter } from './outputs.ts';
import type { DecisionRecord } from '../engine/records.ts';

/** Reads a saved model; a missing or malformed file is a ModelError naming the file. */
export function loadModelFile(path: string): RegimeModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ModelError('MODEL_NOT_FOUND', `${path}: cannot read the model file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: 'train one with `txbot train --data FILE --out models/NAME.json`',
    });
  }
  return regimeModelFromJson(text, path);
}

export interface BacktestJobOptions {
  readonly loaded: LoadedConfig;
  readonly series: BarSeries;
  readonly dataLabel: string;
  /** A saved model, or null to train on the same bars (in-sample). */
  readonly model: RegimeModel | null;
  readonly outDir: string | null;
  readonly title?: string;
  readonly onTrainIteration?: (it: EmIteration) => void;
  readonly onProgress?: (done: number, total: number) => void;
  readonly reportWarnings?: string[];
}

export interface BacktestJobResult {
  readonly summary: BacktestSummary;
  readonly trained: TrainResult | null;
  readonly model: RegimeModel;
  readonly files: string[];
}

/** Runs the whole backtest job; writes outputs when `outDir` is set. Same inputs → same bytes. */
export function runBacktestJob(o: BacktestJobOptions): BacktestJobResult {
  const { loaded, series } = o;
  const config = loaded.config;
  const trained = o.model ? null : trainRegimeModel(series, config, { onIteration: o.onTrainIteration });
  const model = o.model ?? trained!.model;
  const market = loadMarketContext(loaded);
  const risk = createRiskManager(loaded, [market.instrument]);
  const start = startingBalance(loaded);
  const labels = model.labels;
  const regimeIndex = new Int8Array(series.length).fill(-1);
  const out = o.outDir ? outputDir(o.outDir) : null;
  const decisions = out ? new SyncLineWriter(out.path('decisions.jsonl')) : null;
  let bar = 0;
  const run = runBacktest({
    config,
    instrument: market.instrument,
    regime: new RegimeDetector(model),
    risk,
    vixTable: market.vixTable,
    calendar: market.calendar,
    sentiment: market.sentiment,
    series,
    slippageTicks: config.backtest.slippage_ticks,
    idPrefix: 'bt',
    onDecision: (d: DecisionRecord) => {
      if (d.regime) regimeIndex[bar] = labels.indexOf(d.regime);
      bar++;
      decisions?.line(decisionJson(d));
    },
    onProgress: o.onProgress ? (done) => o.onProgress!(done, series.length) : undefined,
  });
  const modelJson = regimeModelToJson(model);
  const summary = buildSummary({
    run,
    config,
    instrument: market.instrument,
    startingBalanceUsd: start,
    inSample: o.model === null,
    hashes: { config: sha256(JSON.stringify(config)), data: hashBars(series), model: sha256(modelJson) },
    firstMs: series.length ? series.tsMs[0]! : null,
    lastMs: series.length ? series.tsMs[series.length - 1]! : null,
  });
  decisions?.close();
  const files: string[] = [];
  if (out) {
    files.push(out.path('decisions.jsonl'));
    const write = (name: string, text: string) => {
      out.write(name, text);
      files.push(out.path(name));
    };
    write('summary.json', stableJson(summary));
    write('trades.csv', tradesCsv(run.trades));
    write('equity.csv', equityCsv(run.equity));
    if (trained) write('model.json', modelJson);
    const report = buildReportInput({
      title: o.title ?? `txbot backtest: ${market.instrument.symbol}`,
      subtitle: `${o.dataLabel} | ${summary.from} to ${summary.to} | model ${o.model ? 'saved (out of sample if trained on earlier data)' : 'trained on these bars'}`,
      summary,
      run,
      series,
      regimeIndex,
      labels,
      config,
      instrument: market.instrument,
      extraWarnings: o.reportWarnings,
    });
    write('report.html', renderReportHtml(report));
  }
  return { summary, trained, model, files };
}
