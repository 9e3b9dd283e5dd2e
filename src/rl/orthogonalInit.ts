// Orthogonal weight initialisation (torch.nn.init.orthogonal_ semantics) from a seeded Gaussian matrix, and the SB3 gains.

import type { Rng } from '../domain/index.ts';
import type { Mlp } from './mlp.ts';

/** SB3 ActorCriticPolicy gains (`ortho_init=True`): √2 for hidden layers, 0.01 for the policy head, 1 for the value head. */
export const HIDDEN_GAIN = Math.SQRT2;
export const POLICY_OUTPUT_GAIN = 0.01;
export const VALUE_OUTPUT_GAIN = 1;

/**
 * Fills `out` (rows × cols, row-major) with gain·Q, Q (semi-)orthogonal: Q Qᵀ = I when rows ≤ cols, Qᵀ Q = I when rows ≥ cols.
 *
 * Method (Saxe, McClelland, Ganguli 2014; torch `orthogonal_`): draw a Gaussian matrix, take the tall orientation
 * (m × n, m ≥ n), orthonormalise its columns by modified Gram–Schmidt (done twice for round-off), transpose back.
 * Gram–Schmidt yields the QR factor whose R has a positive diagonal, i.e. torch's `q *= sign(diag(r))` convention,
 * so Q is Haar-distributed.
 */
export function orthogonalMatrix(
  rows: number,
  cols: number,
  gain: number,
  rng: Rng,
  out: Float64Array = new Float64Array(rows * cols),
): Float64Array {
  const gaussian = new Float64Array(rows * cols);
  for (let k = 0; k < gaussian.length; k++) gaussian[k] = rng.normal();
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  // Column j of the tall matrix, stored contiguously: q[j*m + i].
  const q = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = gaussian[i * cols + j]!;
      if (tall) q[j * m + i] = v;
      else q[i * m + j] = v;
    }
  }
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[k * m + i]! * q[j * m + i]!;
        for (let i = 0; i < m; i++) q[j * m + i] -= dot * q[k * m + i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[j * m + i]! ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) throw new RangeError(`orthogonal init: column ${j} of the Gaussian draw is degenerate (norm ${norm})`);
    for (let i = 0; i < m; i++) q[j * m + i] /= norm;
  }
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (tall ? q[j * m + i]! : q[i * m + j]!);
  }
  return out;
}

/** Orthogonal weights with `gains[l]` for layer l, zero biases (SB3 `init_weights`), layers drawn in order from `rng`. */
export function initMlpOrthogonal(mlp: Mlp, gains: readonly number[], rng: Rng): void {
  if (gains.length !== mlp.layers.length) throw new RangeError(`orthogonal init needs ${mlp.layers.length} gains (got ${gains.length})`);
  mlp.layers.forEach((layer, l) => {
    orthogonalMatrix(layer.outputs, layer.inputs, gains[l]!, rng, mlp.weight(l));
    mlp.bias(l).fill(0);
  });
}

/** Gains for an MLP with `layerCount` layers: HIDDEN_GAIN for each hidden layer, `outputGain` for the last. */
export function sb3Gains(layerCount: number, outputGain: number): number[] {
  return Array.from({ length: layerCount }, (_, l) => (l === layerCount - 1 ? outputGain : HIDDEN_GAIN));
}
