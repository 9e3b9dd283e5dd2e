// Minimum-cost assignment (Hungarian algorithm, O(n^3) with potentials) and the state matching of a retrained model to the current one.

import type { RegimeModel } from '../modelStore.ts';

/**
 * The assignment of rows to columns of the square cost matrix `cost` (row-major, n × n) with the least
 * total cost: result[row] = column. Exact (Kuhn-Munkres with row/column potentials); ties go to the
 * lower column index as the algorithm meets them.
 */
export function hungarianAssignment(cost: ArrayLike<number>, n: number): number[] {
  if (cost.length !== n * n) throw new RangeError(`cost matrix must be ${n} x ${n} (got ${cost.length} entries)`);
  const INF = Number.POSITIVE_INFINITY;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1); // p[col] = row matched to col (1-based), 0 = none
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(INF);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = INF;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[(i0 - 1) * n + (j - 1)]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]!] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const out = new Array<number>(n).fill(-1);
  for (let j = 1; j <= n; j++) if (p[j]! > 0) out[p[j]! - 1] = j - 1;
  return out;
}

/** Per state and feature: mean and log standard deviation in original feature units. */
function stateMoments(m: RegimeModel): { mean: number[]; logSd: number[] }[] {
  const p = m.params;
  const d = p.nFeatures;
  return Array.from({ length: p.nStates }, (_, k) => {
    const mean: number[] = [];
    const logSd: number[] = [];
    for (let f = 0; f < d; f++) {
      const s = m.standardization.std[f]!;
      mean.push(m.standardization.mean[f]! + s * p.means[k * d + f]!);
      const v = p.covariance === 'diag' ? p.covars[k * d + f]! : p.covars[k * d * d + f * d + f]!;
      logSd.push(Math.log(s * Math.sqrt(v)));
    }
    return { mean, logSd };
  });
}

/**
 * Which state of `next` continues each state of `current`: order[i] = the state of `next` matched to
 * current state i, by the least total parameter distance (Hungarian assignment). Distance of two states:
 * Σ_features ((mean_a − mean_b) / sd_f)² + (log sd_a − log sd_b)², sd_f = the current model's standardization
 * of feature f (original units). Both models must have the same states and features.
 */
export function matchStatesByParameters(current: RegimeModel, next: RegimeModel): number[] {
  const k = current.params.nStates;
  if (next.params.nStates !== k) throw new RangeError(`models have ${k} and ${next.params.nStates} states`);
  const a = stateMoments(current);
  const b = stateMoments(next);
  const scale = current.standardization.std;
  const cost = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let c = 0;
      for (let f = 0; f < a[i]!.mean.length; f++) {
        c += ((a[i]!.mean[f]! - b[j]!.mean[f]!) / scale[f]!) ** 2;
        c += (a[i]!.logSd[f]! - b[j]!.logSd[f]!) ** 2;
      }
      cost[i * k + j] = c;
    }
  return hungarianAssignment(cost, k);
}
