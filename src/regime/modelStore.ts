// Versioned JSON form of a trained regime model (HMM parameters, feature spec, standardization, labels,
// training window and data hash): serialize and parse with field-by-field validation. No file I/O here.

import { ModelError, minutesOfClock, parseZone, cleanText, quoteSnippet, ALL_REGIME_LABELS, type RegimeLabel } from '../domain/index.ts';
import { FEATURE_NAMES, type FeatureSpec } from './features/featureSpec.ts';
import type { Standardization } from './features/standardization.ts';
import { covarSize, validateParams, type HmmParams } from './hmmParams.ts';

export const REGIME_MODEL_FORMAT = 'txbot-regime-model';
export const REGIME_MODEL_VERSION = 1;
/** An instrument root as config `instruments[].symbol` spells it. */
const SYMBOL_RE = /^[A-Z0-9]{1,6}$/;

/** Facts about the data a model was trained on (for drift baselines and audit). */
export interface TrainingInfo {
  readonly fromTsMs: number;
  readonly toTsMs: number;
  /** Training bars (after warm-up and session filtering) and sequences (trading days). */
  readonly bars: number;
  readonly sequences: number;
  /** Mean and std of the per-bar log-likelihood log p(x_t | x_<t) on the training data. */
  readonly logLikelihoodPerBar: number;
  readonly logLikelihoodPerBarStd: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** sha256 (hex) of the training bars (tsMs, OHLCV as float64). */
  readonly dataHash: string;
}

/** A trained model: state i has label labels[i]; states are ordered most bullish first. */
export interface RegimeModel {
  readonly params: HmmParams;
  readonly features: FeatureSpec;
  readonly standardization: Standardization;
  readonly labels: readonly RegimeLabel[];
  readonly training: TrainingInfo;
  /**
   * The instrument the model is for (`txbot train` and `txbot retrain` record it; a retrain keeps the current
   * model's). Absent in models from before it was recorded and in models trained inside a run.
   */
  readonly symbol?: string;
}

function rows(a: Float64Array, n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.length; i += n) out.push(Array.from(a.subarray(i, i + n)));
  return out;
}

/** Serializes a model as pretty JSON (format, version, then the fields). */
export function regimeModelToJson(m: RegimeModel): string {
  const p = m.params;
  const d = p.nFeatures;
  return `${JSON.stringify(
    {
      format: REGIME_MODEL_FORMAT,
      version: REGIME_MODEL_VERSION,
      ...(m.symbol !== undefined ? { symbol: m.symbol } : {}),
      hmm: {
        n_states: p.nStates,
        n_features: d,
        covariance: p.covariance,
        startprob: Array.from(p.startProb),
        transmat: rows(p.transMat, p.nStates),
        means: rows(p.means, d),
        covars: p.covariance === 'diag' ? rows(p.covars, d) : rows(p.covars, d * d).map((r) => rows(Float64Array.from(r), d)),
      },
      labels: m.labels,
      features: m.features,
      standardization: m.standardization,
      training: m.training,
    },
    null,
    1,
  )}\n`;
}

type Obj = Record<string, unknown>;

/** What was found, already described ("BULL" listed twice), rather than a value to render. */
class Found {
  constructor(readonly text: string) {}
}

function err(src: string, path: string, expected: string, found: unknown): never {
  const f =
    found instanceof Found
      ? found.text
      : found === undefined
        ? 'nothing'
        : Array.isArray(found)
          ? `an array of ${found.length}`
          : typeof found === 'object'
            ? found === null
              ? 'null'
              : 'an object'
            : typeof found === 'string'
              ? quoteSnippet(found)
              : JSON.stringify(found);
  throw new ModelError('MODEL_INVALID', `${src}: ${path} must be ${expected} (found ${f})`, { hint: 'retrain with `txbot train`' });
}

function obj(src: string, v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) err(src, path, 'an object', v);
  return v as Obj;
}

function num(src: string, o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) err(src, `${path}.${key}`, 'a finite number', v);
  return v;
}

function flat(src: string, v: unknown, path: string, shape: number[]): Float64Array {
  const out = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let pos = 0;
  const walk = (x: unknown, depth: number, where: string): void => {
    if (depth === shape.length) {
      if (typeof x !== 'number' || !Number.isFinite(x)) err(src, where, 'a finite number', x);
      out[pos++] = x;
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) err(src, where, `an array of ${shape[depth]}`, x);
    x.forEach((e, i) => walk(e, depth + 1, `${where}[${i}]`));
  };
  walk(v, 0, path);
  return out;
}

function parseParams(src: string, h: Obj): HmmParams {
  const k = num(src, h, 'n_states', 'hmm');
  const d = num(src, h, 'n_features', 'hmm');
  // Labels are distinct regime labels and features distinct feature names, which bounds both sizes.
  if (!Number.isInteger(k) || k < 1 || k > ALL_REGIME_LABELS.length) err(src, 'hmm.n_states', `an integer 1..${ALL_REGIME_LABELS.length}`, k);
  if (!Number.isInteger(d) || d < 1 || d > FEATURE_NAMES.length) err(src, 'hmm.n_features', `an integer 1..${FEATURE_NAMES.length}`, d);
  const cov = h.covariance;
  if (cov !== 'diag' && cov !== 'full') err(src, 'hmm.covariance', '"diag" or "full"', cov);
  const p: HmmParams = {
    nStates: k,
    nFeatures: d,
    covariance: cov,
    startProb: flat(src, h.startprob, 'hmm.startprob', [k]),
    transMat: flat(src, h.transmat, 'hmm.transmat', [k, k]),
    means: flat(src, h.means, 'hmm.means', [k, d]),
    covars: flat(src, h.covars, 'hmm.covars', cov === 'diag' ? [k, d] : [k, d, d]),
  };
  if (p.covars.length !== k * covarSize(cov, d)) err(src, 'hmm.covars', `${k * covarSize(cov, d)} values`, p.covars.length);
  validateParams(p, src);
  return p;
}

/** A rolling window length: an integer >= 2 bars (as config hmm.realized_vol_bars / volume_ratio_bars). */
function windowBars(src: string, f: Obj, key: string): number {
  const v = num(src, f, key, 'features');
  if (!Number.isInteger(v) || v < 2) err(src, `features.${key}`, 'an integer >= 2 (bars)', v);
  return v;
}

const VWAP_PRICE_SOURCES = ['typical', 'close', 'ohlc4'] as const;

function parseFeatures(src: string, f: Obj, d: number): FeatureSpec {
  const names = f.names;
  if (!Array.isArray(names) || names.length !== d || names.some((n) => !(FEATURE_NAMES as readonly unknown[]).includes(n))) {
    err(src, 'features.names', `${d} of ${FEATURE_NAMES.join(', ')}`, names);
  }
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) err(src, 'features.names', 'distinct feature names', new Found(`${JSON.stringify(twice)} listed twice`));
  if (!names.includes('log_return'))
    err(src, 'features.names', 'a list including log_return (states are labelled by its mean)', new Found(names.join(', ')));
  for (const key of ['rthOnly', 'trainRthOnly'] as const) if (typeof f[key] !== 'boolean') err(src, `features.${key}`, 'true or false', f[key]);
  for (const key of ['vwapAnchorTime', 'vwapTimeZone', 'vwapPriceSource'] as const)
    if (typeof f[key] !== 'string') err(src, `features.${key}`, 'a string', f[key]);
  if (Number.isNaN(minutesOfClock(f.vwapAnchorTime as string)))
    err(src, 'features.vwapAnchorTime', 'a clock time "HH:MM" (00:00-23:59)', f.vwapAnchorTime);
  if (parseZone(f.vwapTimeZone as string) === null)
    err(src, 'features.vwapTimeZone', 'a time zone (America/New_York, America/Chicago, UTC or an offset like +02:00)', f.vwapTimeZone);
  if (!(VWAP_PRICE_SOURCES as readonly unknown[]).includes(f.vwapPriceSource))
    err(src, 'features.vwapPriceSource', `one of ${VWAP_PRICE_SOURCES.join(', ')}`, f.vwapPriceSource);
  const src2 = f as unknown as FeatureSpec;
  const hasRth = f.rthStartMinuteEt !== undefined || f.rthEndMinuteEt !== undefined;
  if (hasRth) {
    for (const key of ['rthStartMinuteEt', 'rthEndMinuteEt'] as const) {
      const v = f[key];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 24 * 60) err(src, `features.${key}`, 'an ET minute of day 0..1440', v);
    }
    if ((f.rthStartMinuteEt as number) >= (f.rthEndMinuteEt as number))
      err(src, 'features.rthEndMinuteEt', `a minute after rthStartMinuteEt ${String(f.rthStartMinuteEt)}`, f.rthEndMinuteEt);
  }
  return {
    names: names as FeatureSpec['names'],
    realizedVolBars: windowBars(src, f, 'realizedVolBars'),
    volumeRatioBars: windowBars(src, f, 'volumeRatioBars'),
    rthOnly: src2.rthOnly,
    trainRthOnly: src2.trainRthOnly,
    vwapAnchorTime: src2.vwapAnchorTime,
    vwapTimeZone: src2.vwapTimeZone,
    vwapPriceSource: src2.vwapPriceSource,
    ...(hasRth ? { rthStartMinuteEt: src2.rthStartMinuteEt!, rthEndMinuteEt: src2.rthEndMinuteEt! } : {}),
  };
}

/** Parses and validates a model file's text; `src` (the path) prefixes every error message. */
export function regimeModelFromJson(text: string, src: string): RegimeModel {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new ModelError('MODEL_INVALID', `${src}: not valid JSON (${cleanText((e as Error).message)})`);
  }
  const root = obj(src, j, '(root)');
  if (root.format !== REGIME_MODEL_FORMAT) err(src, 'format', `"${REGIME_MODEL_FORMAT}"`, root.format);
  if (root.version !== REGIME_MODEL_VERSION) {
    throw new ModelError('MODEL_VERSION', `${src}: model version ${String(root.version)} is not supported (expected ${REGIME_MODEL_VERSION})`, {
      hint: 'retrain with `txbot train`',
    });
  }
  const symbol = root.symbol;
  if (symbol !== undefined && (typeof symbol !== 'string' || !SYMBOL_RE.test(symbol)))
    err(src, 'symbol', 'an instrument root symbol such as "MES" (or absent)', symbol);
  const params = parseParams(src, obj(src, root.hmm, 'hmm'));
  const k = params.nStates;
  const d = params.nFeatures;
  const labels = root.labels;
  if (!Array.isArray(labels) || labels.length !== k || labels.some((l) => !(ALL_REGIME_LABELS as readonly unknown[]).includes(l))) {
    err(src, 'labels', `${k} regime labels`, labels);
  }
  const repeated = labels.find((l, i) => labels.indexOf(l) !== i);
  if (repeated !== undefined) err(src, 'labels', `${k} distinct regime labels`, new Found(`${JSON.stringify(repeated)} listed twice`));
  const st = obj(src, root.standardization, 'standardization');
  const mean = Array.from(flat(src, st.mean, 'standardization.mean', [d]));
  const std = Array.from(flat(src, st.std, 'standardization.std', [d]));
  std.forEach((s, i) => {
    if (!(s > 0)) err(src, `standardization.std[${i}]`, 'a number > 0', s);
  });
  const tr = obj(src, root.training, 'training');
  const training: TrainingInfo = {
    fromTsMs: num(src, tr, 'fromTsMs', 'training'),
    toTsMs: num(src, tr, 'toTsMs', 'training'),
    bars: num(src, tr, 'bars', 'training'),
    sequences: num(src, tr, 'sequences', 'training'),
    logLikelihoodPerBar: num(src, tr, 'logLikelihoodPerBar', 'training'),
    logLikelihoodPerBarStd: num(src, tr, 'logLikelihoodPerBarStd', 'training'),
    iterations: num(src, tr, 'iterations', 'training'),
    converged: tr.converged === true,
    dataHash: typeof tr.dataHash === 'string' ? tr.dataHash : err(src, 'training.dataHash', 'a string', tr.dataHash),
  };
  return {
    params,
    features: parseFeatures(src, obj(src, root.features, 'features'), d),
    standardization: { mean, std },
    labels: labels as RegimeLabel[],
    training,
    ...(symbol !== undefined ? { symbol: symbol as string } : {}),
  };
}
