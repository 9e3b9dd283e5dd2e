// Overfitting statistics of a parameter search: the Probability of Backtest Overfitting by CSCV, the
// Deflated Sharpe Ratio, and the in-sample vs out-of-sample degradation of each walk-forward window.

import { normalCdf, normalQuantile } from './normal.ts';

/** Euler–Mascheroni constant γ. */
export const EULER_MASCHERONI = 0.5772156649015329;

export interface PboOptions {
  /** S, the number of row blocks; even, >= 2 (the paper uses 16). */
  readonly partitions: number;
  /** Performance statistic per block set: per-period Sharpe (default) or mean return. */
  readonly statistic?: 'sharpe' | 'mean';
}

export interface PboResult {
  /** Share of combinations whose in-sample best ranks at or below the out-of-sample median (logit ≤ 0). */
  readonly pbo: number;
  /** Share of combinations whose in-sample best has a negative out-of-sample statistic. */
  readonly oosLossProbability: number;
  /** λ_c = ln(ω̄_c / (1 − ω̄_c)) per combination, in enumeration order. */
  readonly logits: readonly number[];
  readonly combinations: number;
  readonly partitions: number;
  /** Rows used: T − (T mod S); the oldest T mod S rows are dropped so blocks are equal. */
  readonly rowsUsed: number;
}

/** Every subset of {0..s-1} of size k, in lexicographic order. */
function combinations(s: number, k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const rec = (start: number): void => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = start; i <= s - (k - pick.length); i++) {
      pick.push(i);
      rec(i + 1);
      pick.pop();
    }
  };
  rec(0);
  return out;
}

function statistic(sum: number, sumSq: number, count: number, kind: 'sharpe' | 'mean'): number {
  const mean = sum / count;
  if (kind === 'mean') return mean;
  const variance = count > 1 ? Math.max(0, (sumSq - count * mean * mean) / (count - 1)) : 0;
  if (variance === 0) return mean === 0 ? 0 : mean > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return mean / Math.sqrt(variance);
}

/** Relative rank ω̄ = rank / (N + 1) of values[i] among values (1 = lowest; ties share their average rank). */
function relativeRank(values: Float64Array, i: number): number {
  let less = 0;
  let equal = 0;
  for (let n = 0; n < values.length; n++) {
    if (values[n]! < values[i]!) less++;
    else if (values[n] === values[i]) equal++;
  }
  return (less + (equal + 1) / 2) / (values.length + 1);
}

/**
 * Probability of Backtest Overfitting by combinatorially symmetric cross-validation. `returns[n][t]` is trial n's
 * return in period t (all trials the same length T; the paper's matrix M is its transpose). Rows are cut into S
 * equal blocks; for each of the C(S, S/2) ways to pick S/2 blocks as in-sample J (the rest J̄ out-of-sample),
 * n* = argmax_n R_n(J) (lowest n on ties), ω̄ = rank of R_{n*}(J̄) among R(J̄) / (N + 1), λ = ln(ω̄/(1 − ω̄)),
 * and PBO = #{λ ≤ 0} / C(S, S/2).
 * Source: D. Bailey, J. Borwein, M. López de Prado, Q. J. Zhu, "The Probability of Backtest Overfitting",
 * Journal of Computational Finance 20(4), 2017 (SSRN 2326253, 2014), §2.
 */
export function probabilityOfBacktestOverfitting(returns: readonly (readonly number[])[], options: PboOptions): PboResult {
  const s = options.partitions;
  const kind = options.statistic ?? 'sharpe';
  const nTrials = returns.length;
  if (!Number.isInteger(s) || s < 2 || s % 2 !== 0) throw new RangeError(`PBO: partitions must be an even integer >= 2 (got ${s})`);
  if (nTrials < 2) throw new RangeError(`PBO: needs at least 2 trials (got ${nTrials})`);
  const t = returns[0]!.length;
  if (returns.some((r) => r.length !== t)) throw new RangeError('PBO: every trial needs the same number of returns');
  if (t < s) throw new RangeError(`PBO: ${t} returns cannot form ${s} blocks`);
  const blockRows = Math.floor(t / s);
  const offset = t - blockRows * s;
  // Block sums and sums of squares per trial: sums[b * N + n].
  const sums = new Float64Array(s * nTrials);
  const sumSqs = new Float64Array(s * nTrials);
  for (let n = 0; n < nTrials; n++) {
    const r = returns[n]!;
    for (let b = 0; b < s; b++) {
      let a = 0;
      let q = 0;
      for (let i = offset + b * blockRows; i < offset + (b + 1) * blockRows; i++) {
        a += r[i]!;
        q += r[i]! * r[i]!;
      }
      sums[b * nTrials + n] = a;
      sumSqs[b * nTrials + n] = q;
    }
  }
  const half = s / 2;
  const count = half * blockRows;
  const totalSum = new Float64Array(nTrials);
  const totalSq = new Float64Array(nTrials);
  for (let b = 0; b < s; b++) {
    for (let n = 0; n < nTrials; n++) {
      totalSum[n]! += sums[b * nTrials + n]!;
      totalSq[n]! += sumSqs[b * nTrials + n]!;
    }
  }
  const isStat = new Float64Array(nTrials);
  const oosStat = new Float64Array(nTrials);
  const isSum = new Float64Array(nTrials);
  const isSq = new Float64Array(nTrials);
  const logits: number[] = [];
  let overfit = 0;
  let loss = 0;
  for (const inSample of combinations(s, half)) {
    isSum.fill(0);
    isSq.fill(0);
    for (const b of inSample) {
      for (let n = 0; n < nTrials; n++) {
        isSum[n]! += sums[b * nTrials + n]!;
        isSq[n]! += sumSqs[b * nTrials + n]!;
      }
    }
    for (let n = 0; n < nTrials; n++) {
      isStat[n] = statistic(isSum[n]!, isSq[n]!, count, kind);
      oosStat[n] = statistic(totalSum[n]! - isSum[n]!, totalSq[n]! - isSq[n]!, count, kind);
    }
    let best = 0;
    for (let n = 1; n < nTrials; n++) if (isStat[n]! > isStat[best]!) best = n;
    const omega = relativeRank(oosStat, best);
    const lambda = Math.log(omega / (1 - omega));
    logits.push(lambda);
    if (lambda <= 0) overfit++;
    if (oosStat[best]! < 0) loss++;
  }
  return {
    pbo: overfit / logits.length,
    oosLossProbability: loss / logits.length,
    logits,
    combinations: logits.length,
    partitions: s,
    rowsUsed: blockRows * s,
  };
}

/** Sample moments: mean, standard deviation (n − 1), skewness γ3 = m3 / m2^1.5 and kurtosis γ4 = m4 / m2² (normal = 3). */
export function sampleMoments(xs: readonly number[]): { mean: number; std: number; skewness: number; kurtosis: number } {
  const n = xs.length;
  const mean = n ? xs.reduce((a, b) => a + b, 0) / n : 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
  m2 /= n || 1;
  m3 /= n || 1;
  m4 /= n || 1;
  return { mean, std, skewness: m2 > 0 ? m3 / m2 ** 1.5 : 0, kurtosis: m2 > 0 ? m4 / (m2 * m2) : 3 };
}

/** Per-period Sharpe ratio mean / std of the returns; null when the standard deviation is 0. */
export function periodSharpe(returns: readonly number[]): number | null {
  const { mean, std } = sampleMoments(returns);
  return std > 0 ? mean / std : null;
}

/**
 * Expected maximum Sharpe ratio of N independent trials with zero true Sharpe and cross-trial variance V:
 * SR0 = √V · ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))), γ the Euler–Mascheroni constant; 0 for N ≤ 1.
 * Source: D. Bailey, M. López de Prado, "The Deflated Sharpe Ratio", Journal of Portfolio Management 40(5), 2014, eq. 1 (via the False Strategy theorem).
 */
export function expectedMaxSharpe(trials: number, sharpeVariance: number): number {
  if (trials <= 1 || sharpeVariance <= 0) return 0;
  const g = EULER_MASCHERONI;
  return Math.sqrt(sharpeVariance) * ((1 - g) * normalQuantile(1 - 1 / trials) + g * normalQuantile(1 - 1 / (trials * Math.E)));
}

/**
 * Probabilistic Sharpe Ratio: PSR(SR*) = Φ((SR − SR*) √(T − 1) / √(1 − γ3 SR + (γ4 − 1)/4 · SR²)), SR and SR*
 * per period, T observations, γ3 skewness, γ4 kurtosis (normal = 3) of the returns.
 * Source: Bailey & López de Prado, "The Sharpe Ratio Efficient Frontier", Journal of Risk 15(2), 2012; DSR paper eq. 2.
 */
export function probabilisticSharpeRatio(a: { sharpe: number; benchmark: number; observations: number; skewness: number; kurtosis: number }): number {
  const radicand = 1 - a.skewness * a.sharpe + ((a.kurtosis - 1) / 4) * a.sharpe * a.sharpe;
  if (!(radicand > 0) || a.observations < 2) return Number.NaN;
  return normalCdf(((a.sharpe - a.benchmark) * Math.sqrt(a.observations - 1)) / Math.sqrt(radicand));
}

export interface DeflatedSharpeResult {
  /** DSR = PSR(SR0): probability that the selected strategy's true Sharpe exceeds what selection alone explains. */
  readonly dsr: number;
  readonly sharpe: number;
  readonly expectedMaxSharpe: number;
  readonly trials: number;
  readonly sharpeVariance: number;
  readonly observations: number;
  readonly skewness: number;
  readonly kurtosis: number;
}

/**
 * Deflated Sharpe Ratio of the selected trial: PSR against SR0 = expectedMaxSharpe(N, V[SR_n]), with V the
 * sample variance of the N trials' per-period Sharpe ratios (trials without one are left out of V but count in N)
 * and the skewness and kurtosis of the selected returns. Null when the selected returns have no variance.
 * Source: Bailey & López de Prado, "The Deflated Sharpe Ratio", JPM 40(5), 2014, eq. 2.
 */
export function deflatedSharpeRatio(selectedReturns: readonly number[], trialSharpes: readonly (number | null)[]): DeflatedSharpeResult | null {
  const sharpe = periodSharpe(selectedReturns);
  if (sharpe === null || selectedReturns.length < 2) return null;
  const defined = trialSharpes.filter((x): x is number => x !== null && Number.isFinite(x));
  const m = sampleMoments(defined);
  const sharpeVariance = defined.length > 1 ? m.std * m.std : 0;
  const sr0 = expectedMaxSharpe(trialSharpes.length, sharpeVariance);
  const { skewness, kurtosis } = sampleMoments(selectedReturns);
  const dsr = probabilisticSharpeRatio({ sharpe, benchmark: sr0, observations: selectedReturns.length, skewness, kurtosis });
  return {
    dsr,
    sharpe,
    expectedMaxSharpe: sr0,
    trials: trialSharpes.length,
    sharpeVariance,
    observations: selectedReturns.length,
    skewness,
    kurtosis,
  };
}

export interface Degradation {
  readonly inSample: number | null;
  readonly outOfSample: number | null;
  /** outOfSample − inSample. */
  readonly difference: number | null;
  /** outOfSample / inSample when inSample > 0 (walk-forward efficiency); else null. */
  readonly ratio: number | null;
}

/** In-sample vs out-of-sample objective of one window's selected parameters. */
export function degradation(inSample: number | null, outOfSample: number | null): Degradation {
  const both = inSample !== null && outOfSample !== null;
  return {
    inSample,
    outOfSample,
    difference: both ? outOfSample - inSample : null,
    ratio: both && inSample > 0 ? outOfSample / inSample : null,
  };
}
