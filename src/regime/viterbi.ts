// Viterbi decoding in log space, with the reference's tie-breaking (hmmlearn `_hmmc.cpp`): the last
// state is the lowest index among equal maxima; in backtracking the higher index wins.

import type { HmmParams } from './hmmParams.ts';

/**
 * Most likely state path of bars [t0, t1) into `path` (absolute indices); returns its log-probability.
 * delta_t(j) = max_i(delta_{t-1}(i) + log A_ij) + log b_t(j), delta_t0(j) = log pi_j + log b_t0(j).
 * `lattice` needs (t1 - t0) x K entries; `logA`/`logStart` are log transMat/startProb.
 */
export function viterbiSequence(
  p: HmmParams,
  logB: Float64Array,
  t0: number,
  t1: number,
  path: Int32Array,
  lattice: Float64Array,
  logStart: Float64Array,
  logA: Float64Array,
): number {
  const k = p.nStates;
  const n = t1 - t0;
  for (let j = 0; j < k; j++) lattice[j] = logStart[j] + logB[t0 * k + j];
  for (let t = 1; t < n; t++) {
    const r = t * k;
    const pr = r - k;
    const er = (t0 + t) * k;
    for (let j = 0; j < k; j++) {
      let m = -Infinity;
      for (let i = 0; i < k; i++) {
        const v = lattice[pr + i] + logA[i * k + j];
        if (v > m) m = v;
      }
      lattice[r + j] = m + logB[er + j];
    }
  }
  const last = (n - 1) * k;
  let prev = 0;
  for (let j = 1; j < k; j++) if (lattice[last + j] > lattice[last + prev]) prev = j;
  const logProb = lattice[last + prev];
  path[t1 - 1] = prev;
  for (let t = n - 2; t >= 0; t--) {
    const r = t * k;
    let best = -Infinity;
    let arg = 0;
    for (let i = 0; i < k; i++) {
      const v = lattice[r + i] + logA[i * k + prev];
      if (v >= best) {
        best = v;
        arg = i;
      }
    }
    prev = arg;
    path[t0 + t] = prev;
  }
  return logProb;
}
