// `txbot rl train | eval | walkforward`: train a PPO policy on the trading environment, compare it with the rules on the same
// bars and costs, and walk it forward (train / validate / test per fold, several seeds, baselines, confidence intervals).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { chooseDataInstrument } from '../dataInstrument.ts';
import { noteLoadResult } from '../loadNotes.ts';
import { rollTableFor } from '../rollTables.ts';
import { CONFIG_OPTION, FROM_OPTION, TO_OPTION, dataOption, outOption, parseIntOption } from '../options.ts';
import { loadConfig, type LoadedConfig } from '../../config/index.ts';
import { UsageError, type BarSeries } from '../../domain/index.ts';
import { loadBars } from '../../data/index.ts';
import { tradingDateStartMs } from '../../data/index.ts';
import { regimeModelFromJson, type RegimeModel } from '../../regime/index.ts';
import { parsePolicyFile, POLICY_FILE_FORMAT, type PpoUpdateReport } from '../../rl/index.ts';
import {
  buildRunContext,
  backtestPolicy,
  dateBlocks,
  flatPolicy,
  policyOfFile,
  randomSameTradeCount,
  regimeModelBefore,
  regimeModelOfPolicy,
  trainRlPolicy,
  runRlWalkForward,
  type RlComparisonRow,
  type Stat,
} from '../../app/index.ts';
import { stableJson, renderRlReportHtml } from '../../report/index.ts';
import { note, out, table } from '../output.ts';
import { parseDateRangeOptions } from '../optionValues.ts';
import { checkOutputPath, writeFileAtomic, type OutputSpec } from '../outputPath.ts';

/** A policy file txbot wrote may be replaced by --out; nothing else. */
const POLICY_OUTPUT_FILE: OutputSpec = {
  kind: 'file',
  what: 'a txbot policy (from an earlier `txbot rl train`)',
  replaceable: (p) => {
    try {
      return readFileSync(p, 'utf8').slice(0, 200).includes(`"format":"${POLICY_FILE_FORMAT}"`);
    } catch {
      return false;
    }
  },
};

/** Files `txbot rl walkforward` writes into --out. */
const RL_WF_FOLDER: OutputSpec = { kind: 'folder', names: new Set(['summary.json', 'samples.csv', 'learning_curves.csv', 'report.html']) };

interface CommonOpts {
  data: string;
  config?: string;
  from?: string;
  to?: string;
}

/** Options of `txbot rl walkforward`. */
type WalkForwardOpts = CommonOpts & {
  hmmDays: string;
  trainDays: string;
  validationDays: string;
  testDays: string;
  folds: string;
  seeds: string;
  steps: string;
  checkpoints: string;
  envs: string;
  threads: string;
  nSteps: string;
  out?: string;
};

async function loadInputs(opts: CommonOpts): Promise<{ loaded: LoadedConfig; series: BarSeries }> {
  const loaded = loadConfig({ file: opts.config });
  const c = loaded.config;
  note(`loading ${opts.data} ...`);
  // data.rolls back-adjusts as in the other commands (the instrument is only needed to pick the table)
  const rolls = c.data.rolls === null ? null : rollTableFor(loaded, chooseDataInstrument(loaded, opts.data).symbol, opts.data);
  const data = await loadBars(opts.data, { timezone: c.data.timezone, policy: c.data.policy, barMinutes: c.data.bar_minutes, rolls });
  if (rolls) noteLoadResult(data);
  return { loaded, series: data.series };
}

function readModel(path: string): RegimeModel {
  if (!existsSync(path)) throw new UsageError(`--model ${path}: no such file`);
  return regimeModelFromJson(readFileSync(path, 'utf8'), path);
}

const fmt = (x: number | null | undefined, d = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));

export function registerRlCommand(program: Command): void {
  const rl = program.command('rl').description(commandSummary('rl'));
  rl.command('train')
    .description('Train a PPO policy on the trading environment (the backtest engine, costs and risk manager) over --from..--to')
    .requiredOption(...dataOption('bars to train on (and the days before --from for the regime model)'))
    .requiredOption(...FROM_OPTION)
    .requiredOption(...TO_OPTION)
    .option(...CONFIG_OPTION)
    .option('--steps <n>', 'environment steps to train for', '100000')
    .option('--seed <n>', 'seed of everything random (same seed, same policy bytes)', '1')
    .option('--envs <n>', 'environments stepped together', '1')
    .option('--threads <n>', 'worker threads the environments run on (0 = this thread; same policy either way)', '0')
    .option('--n-steps <n>', 'PPO rollout length per environment (SB3 n_steps)', '2048')
    .option('--hmm-days <n>', 'trading days before --from the regime model is trained on', '250')
    .option('--model <file>', 'regime model to use instead (must be trained before --from)')
    .requiredOption(...outOption('file', 'policy file to write, e.g. models/es-policy.json'))
    .addHelpText(
      'after',
      `
Examples:
  txbot rl train --data ../shared/data/es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz --from 2021-01-01 --to 2021-06-30 --steps 200000 --seed 1 --out models/es-policy.json
  txbot rl eval --policy models/es-policy.json --data es.csv.gz --from 2021-07-01 --to 2021-09-30
  txbot backtest --data es.csv.gz --model models/es.json --from 2021-07-01 --config rl.yaml   # rl.yaml: decision_policy: { kind: rl, policy: models/es-policy.json }`,
    )
    .action(
      (
        opts: CommonOpts & {
          steps: string;
          seed: string;
          envs: string;
          threads: string;
          nSteps: string;
          hmmDays: string;
          model?: string;
          out: string;
        },
      ) => runTrain(opts),
    );
  rl.command('eval')
    .description('Backtest a policy beside the rule-based policy and always-flat on the same bars and costs')
    .requiredOption('--policy <file>', 'policy file from `txbot rl train`')
    .requiredOption(...dataOption('bars to evaluate on'))
    .requiredOption(...FROM_OPTION)
    .requiredOption(...TO_OPTION)
    .option(...CONFIG_OPTION)
    .option('--model <file>', 'regime model (default: the one stored in the policy file)')
    .action((opts: CommonOpts & { policy: string; model?: string }) => runEval(opts));
  rl.command('walkforward')
    .description('Per fold: regime model, PPO on a train block (each seed), checkpoint chosen on a validation block, one test on the next block')
    .requiredOption(...dataOption('bars to walk forward on'))
    .requiredOption(...FROM_OPTION)
    .option(...TO_OPTION)
    .option(...CONFIG_OPTION)
    .option('--hmm-days <n>', 'trading days of the regime model before each train block', '120')
    .option('--train-days <n>', 'trading days per train block', '60')
    .option('--validation-days <n>', 'trading days per validation block', '20')
    .option('--test-days <n>', 'trading days per test block (folds step by it)', '20')
    .option('--folds <n>', 'folds at most', '3')
    .option('--seeds <n>', 'seeds per fold (1..n)', '5')
    .option('--steps <n>', 'environment steps per training run', '50000')
    .option(
      '--checkpoints <n>',
      'checkpoints per run evaluated on the validation block (taken at whole rollouts: fewer when --steps / --checkpoints < --n-steps x --envs)',
      '2',
    )
    .option('--envs <n>', 'environments stepped together', '1')
    .option('--threads <n>', 'worker threads the environments run on (0 = this thread)', '0')
    .option('--n-steps <n>', 'PPO rollout length per environment (SB3 n_steps)', '2048')
    .option(...outOption('dir', 'folder for summary.json, samples.csv, learning_curves.csv, report.html (learning curves)'))
    .action((opts: WalkForwardOpts) => runWalkForward(opts));
}

function progressLine(r: PpoUpdateReport, total: number): string {
  return (
    `update ${r.update} ${r.timesteps}/${total} steps | episodes ${r.episodes} mean reward ${fmt(r.meanEpisodeReturn, 3)} | ` +
    `KL ${fmt(r.approxKl, 4)} entropy ${fmt(r.entropy, 3)} value loss ${fmt(r.valueLoss, 4)} clip ${fmt(r.clipFraction, 3)}`
  );
}

async function runTrain(
  opts: CommonOpts & { steps: string; seed: string; envs: string; threads: string; nSteps: string; hmmDays: string; model?: string; out: string },
): Promise<void> {
  const outPath = checkOutputPath('--out', opts.out, POLICY_OUTPUT_FILE, [
    { option: '--data', path: opts.data },
    { option: '--config', path: opts.config },
    { option: '--model', path: opts.model },
  ]);
  const steps = parseIntOption('--steps', opts.steps, 1);
  const seed = parseIntOption('--seed', opts.seed, 0);
  const envs = parseIntOption('--envs', opts.envs, 1);
  const threads = parseIntOption('--threads', opts.threads, 0);
  const nSteps = parseIntOption('--n-steps', opts.nSteps, 64);
  const hmmDays = parseIntOption('--hmm-days', opts.hmmDays, 5);
  const range = parseDateRangeOptions(opts);
  const { loaded, series } = await loadInputs(opts);
  const from = range.from!;
  const to = range.to!;
  let model: RegimeModel;
  if (opts.model) {
    model = readModel(opts.model);
    const first = dateBlocks(series, from, to, 0).dates[0]!;
    if (model.training.toTsMs >= tradingDateStartMs(first))
      throw new UsageError(
        `--model ${opts.model}: trained on data up to ${new Date(model.training.toTsMs).toISOString()}, not before --from ${from}`,
      );
  } else {
    note(`training the regime model on the ${hmmDays} trading days before ${from} ...`);
    model = regimeModelBefore(loaded, series, from, hmmDays);
  }
  note(
    `training PPO for ${steps} steps on ${from}..${to} (seed ${seed}, ${envs} env(s)${threads > 1 ? ` on ${threads} worker threads` : ''}, n_steps ${nSteps})`,
  );
  const t0 = process.hrtime.bigint();
  const result = await trainRlPolicy({
    loaded,
    series,
    from,
    to,
    steps,
    seed,
    envs,
    model,
    ppo: { nSteps },
    onUpdate: (r) => note(progressLine(r, steps)),
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileAtomic(outPath, result.text);
  out(
    `trained ${result.policy.training.timesteps} steps in ${secs.toFixed(1)} s (${Math.round(result.policy.training.timesteps / secs)} steps/s); policy written to ${opts.out}`,
  );
}

async function runEval(opts: CommonOpts & { policy: string; model?: string }): Promise<void> {
  if (!existsSync(opts.policy)) throw new UsageError(`--policy ${opts.policy}: no such file`);
  const file = parsePolicyFile(readFileSync(opts.policy, 'utf8'), opts.policy);
  const range = parseDateRangeOptions(opts);
  const { loaded, series } = await loadInputs(opts);
  const model = opts.model ? readModel(opts.model) : regimeModelOfPolicy(file, opts.policy);
  if (!model) throw new UsageError(`--policy ${opts.policy} carries no regime model: give --model`);
  const ctx = buildRunContext(loaded, 'backtest');
  const from = range.from!;
  const to = range.to!;
  const tf = file.metadata['trainFrom'];
  const tt = file.metadata['trainTo'];
  const inSample = typeof tf === 'string' && typeof tt === 'string' ? from <= tt && to >= tf : true;
  const rlRes = backtestPolicy(ctx, series, from, to, model, 'rl', policyOfFile(ctx, file));
  const rows = [
    rlRes,
    backtestPolicy(ctx, series, from, to, model, 'rules', null),
    backtestPolicy(ctx, series, from, to, model, 'flat', flatPolicy(ctx)),
    randomSameTradeCount(ctx, series, from, to, model, rlRes, 1),
  ];
  out(`${inSample ? 'IN-SAMPLE (the policy was trained on days of this range) ' : ''}rl eval ${from}..${to}, same bars, fills and costs:`);
  out(
    table(
      ['policy', 'net P&L USD', 'trades', 'Sharpe', 'Combine pass'],
      rows.map((r) => [r.name, fmt(r.netPnlUsd), r.trades, fmt(r.sharpe, 3), fmt(r.combinePass, 3)]),
    ),
  );
}

function statCell(s: Stat, d = 2): string {
  if (s.mean === null) return '-';
  return `${fmt(s.mean, d)} ± ${fmt(s.std, d)} [${s.ci95 ? `${fmt(s.ci95[0], d)}, ${fmt(s.ci95[1], d)}` : '-'}]`;
}

/** The comparison table: mean ± std [95% bootstrap CI] over folds (and seeds for rl/random). */
export function comparisonTable(rows: readonly RlComparisonRow[]): string {
  return table(
    ['policy', 'n', 'net P&L USD', 'Sharpe', 'Combine pass', 'trades'],
    rows.map((r) => [r.policy, r.netPnlUsd.n, statCell(r.netPnlUsd), statCell(r.sharpe), statCell(r.combinePass, 3), statCell(r.trades, 1)]),
  );
}

async function runWalkForward(opts: WalkForwardOpts): Promise<void> {
  const outDir = opts.out
    ? checkOutputPath('--out', opts.out, RL_WF_FOLDER, [
        { option: '--data', path: opts.data },
        { option: '--config', path: opts.config },
      ])
    : null;
  const nSeeds = parseIntOption('--seeds', opts.seeds, 1);
  const o = {
    hmmDays: parseIntOption('--hmm-days', opts.hmmDays, 5),
    trainDays: parseIntOption('--train-days', opts.trainDays, 1),
    validationDays: parseIntOption('--validation-days', opts.validationDays, 1),
    testDays: parseIntOption('--test-days', opts.testDays, 1),
    folds: parseIntOption('--folds', opts.folds, 1),
    steps: parseIntOption('--steps', opts.steps, 1),
    checkpoints: parseIntOption('--checkpoints', opts.checkpoints, 1),
    envs: parseIntOption('--envs', opts.envs, 1),
    threads: parseIntOption('--threads', opts.threads, 0),
    nSteps: parseIntOption('--n-steps', opts.nSteps, 64),
  };
  const range = parseDateRangeOptions(opts);
  const { loaded, series } = await loadInputs(opts);
  const t0 = process.hrtime.bigint();
  const r = await runRlWalkForward({
    loaded,
    series,
    from: range.from!,
    to: range.to,
    ...o,
    seeds: Array.from({ length: nSeeds }, (_, i) => i + 1),
    ppo: { nSteps: o.nSteps },
    onProgress: (line) => note(line),
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  out(
    `rl walkforward: ${r.folds.length} fold(s) x ${nSeeds} seed(s), ${o.steps} steps per run, test blocks ${r.folds[0]!.test[0]}..${r.folds[r.folds.length - 1]!.test[1]}`,
  );
  out('out-of-sample test blocks, mean ± std [95% bootstrap CI of the mean]; rl and random: one sample per fold and seed, rules and flat: per fold');
  const tableText = comparisonTable(r.table);
  out(tableText);
  const dsrLines = r.deflatedSharpe.map((d) => `fold ${d.fold + 1}: DSR ${fmt(d.dsr, 3)} over ${d.trials} trials`);
  out(`deflated Sharpe (validation, best of seeds x checkpoints per fold): ${dsrLines.join('; ')}`);
  out(`finished in ${secs.toFixed(1)} s`);
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(
      join(outDir, 'summary.json'),
      stableJson({ folds: r.folds, table: r.table, deflatedSharpe: r.deflatedSharpe, options: { ...o, seeds: nSeeds } }),
    );
    writeFileSync(
      join(outDir, 'samples.csv'),
      'fold,seed,policy,net_pnl_usd,trades,sharpe,combine_pass,checkpoint_steps,validation_net_pnl_usd\n' +
        r.samples
          .map((s) =>
            [
              s.fold,
              s.seed ?? '',
              s.policy,
              s.netPnlUsd,
              s.trades,
              s.sharpe ?? '',
              s.combinePass,
              s.checkpointSteps ?? '',
              s.validationNetPnlUsd ?? '',
            ].join(','),
          )
          .join('\n') +
        '\n',
    );
    writeFileSync(
      join(outDir, 'learning_curves.csv'),
      'fold,seed,timesteps,mean_episode_return,approx_kl,entropy,value_loss\n' +
        r.learning.map((l) => [l.fold, l.seed, l.timesteps, l.meanEpisodeReturn, l.approxKl, l.entropy, l.valueLoss].join(',')).join('\n') +
        '\n',
    );
    writeFileSync(
      join(outDir, 'report.html'),
      renderRlReportHtml({
        title: 'txbot rl walkforward',
        subtitle: `${opts.data} | ${r.folds.length} fold(s) x ${nSeeds} seed(s), ${o.steps} steps per run`,
        tableText,
        dsrLines,
        folds: r.folds.map((f) => ({
          index: f.index,
          label: `train ${f.train[0]}..${f.train[1]}, validate ${f.validation[0]}..${f.validation[1]}, test ${f.test[0]}..${f.test[1]}`,
        })),
        learning: r.learning,
      }),
    );
    out(`written to ${opts.out}: summary.json, samples.csv, learning_curves.csv, report.html`);
  }
}
