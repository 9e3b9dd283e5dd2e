// The scaled forward and backward passes of forwardBackward.ts unrolled for 5 states (the default model), with
// the transition matrix and the running vectors in locals: the same operations in the same order, so every
// result is bit-for-bit the generic loops' (test/regime/forwardBackward5.test.ts), in about half the time.

import type { HmmParams } from './hmmParams.ts';
import type { FbWork } from './forwardBackward.ts';

/** Below this a step normaliser counts as underflow (the same bound as forwardBackward.ts). */
const UNDERFLOW = 1e-280;

/** forwardScaled for K = 5: alpha rows, scaled emissions in `w.b`, log-likelihood (NaN on underflow). */
export function forwardScaled5(
  p: HmmParams,
  logB: Float64Array,
  t0: number,
  t1: number,
  alpha: Float64Array,
  logC: Float64Array | null,
  w: FbWork,
): number {
  const A = p.transMat;
  const a00 = A[0],
    a01 = A[1],
    a02 = A[2],
    a03 = A[3],
    a04 = A[4];
  const a10 = A[5],
    a11 = A[6],
    a12 = A[7],
    a13 = A[8],
    a14 = A[9];
  const a20 = A[10],
    a21 = A[11],
    a22 = A[12],
    a23 = A[13],
    a24 = A[14];
  const a30 = A[15],
    a31 = A[16],
    a32 = A[17],
    a33 = A[18],
    a34 = A[19];
  const a40 = A[20],
    a41 = A[21],
    a42 = A[22],
    a43 = A[23],
    a44 = A[24];
  const b = w.b;
  let p0 = 0,
    p1 = 0,
    p2 = 0,
    p3 = 0,
    p4 = 0;
  let total = 0;
  for (let t = t0; t < t1; t++) {
    const r = t * 5;
    const br = (t - t0) * 5;
    const l0 = logB[r],
      l1 = logB[r + 1],
      l2 = logB[r + 2],
      l3 = logB[r + 3],
      l4 = logB[r + 4];
    let m = -Infinity;
    if (l0 > m) m = l0;
    if (l1 > m) m = l1;
    if (l2 > m) m = l2;
    if (l3 > m) m = l3;
    if (l4 > m) m = l4;
    if (!Number.isFinite(m)) return Number.NaN;
    // exp(l - m) is exactly 1 for the largest l (exp(+0) = 1): one exp per bar saved
    const b0 = l0 === m ? 1 : Math.exp(l0 - m),
      b1 = l1 === m ? 1 : Math.exp(l1 - m),
      b2 = l2 === m ? 1 : Math.exp(l2 - m),
      b3 = l3 === m ? 1 : Math.exp(l3 - m),
      b4 = l4 === m ? 1 : Math.exp(l4 - m);
    b[br] = b0;
    b[br + 1] = b1;
    b[br + 2] = b2;
    b[br + 3] = b3;
    b[br + 4] = b4;
    let x0: number, x1: number, x2: number, x3: number, x4: number;
    if (t === t0) {
      const s = p.startProb;
      x0 = s[0] * b0;
      x1 = s[1] * b1;
      x2 = s[2] * b2;
      x3 = s[3] * b3;
      x4 = s[4] * b4;
    } else {
      x0 = (0 + p0 * a00 + p1 * a10 + p2 * a20 + p3 * a30 + p4 * a40) * b0;
      x1 = (0 + p0 * a01 + p1 * a11 + p2 * a21 + p3 * a31 + p4 * a41) * b1;
      x2 = (0 + p0 * a02 + p1 * a12 + p2 * a22 + p3 * a32 + p4 * a42) * b2;
      x3 = (0 + p0 * a03 + p1 * a13 + p2 * a23 + p3 * a33 + p4 * a43) * b3;
      x4 = (0 + p0 * a04 + p1 * a14 + p2 * a24 + p3 * a34 + p4 * a44) * b4;
    }
    const c = 0 + x0 + x1 + x2 + x3 + x4;
    if (!(c > UNDERFLOW) || !Number.isFinite(c)) {
      // leave alpha as the generic pass would at this point (unnormalised row t) before giving up
      alpha[r] = x0;
      alpha[r + 1] = x1;
      alpha[r + 2] = x2;
      alpha[r + 3] = x3;
      alpha[r + 4] = x4;
      return Number.NaN;
    }
    const inv = 1 / c;
    p0 = x0 * inv;
    p1 = x1 * inv;
    p2 = x2 * inv;
    p3 = x3 * inv;
    p4 = x4 * inv;
    alpha[r] = p0;
    alpha[r + 1] = p1;
    alpha[r + 2] = p2;
    alpha[r + 3] = p3;
    alpha[r + 4] = p4;
    const lc = Math.log(c) + m;
    if (logC) logC[t] = lc;
    total += lc;
  }
  return total;
}

/**
 * backwardScaled for K = 5 after a successful forwardScaled5: smoothed `gamma` rows; `xiSum` (zeroed by the
 * caller) receives sum_t alpha_t(i) v_{t+1}(j) / z_t. Returns false on underflow (the caller falls back to log space).
 */
export function backwardScaled5(
  p: HmmParams,
  t0: number,
  t1: number,
  alpha: Float64Array,
  gamma: Float64Array,
  xiSum: Float64Array | null,
  w: FbWork,
): boolean {
  const A = p.transMat;
  const a00 = A[0],
    a01 = A[1],
    a02 = A[2],
    a03 = A[3],
    a04 = A[4];
  const a10 = A[5],
    a11 = A[6],
    a12 = A[7],
    a13 = A[8],
    a14 = A[9];
  const a20 = A[10],
    a21 = A[11],
    a22 = A[12],
    a23 = A[13],
    a24 = A[14];
  const a30 = A[15],
    a31 = A[16],
    a32 = A[17],
    a33 = A[18],
    a34 = A[19];
  const a40 = A[20],
    a41 = A[21],
    a42 = A[22],
    a43 = A[23],
    a44 = A[24];
  const b = w.b;
  const xi = xiSum !== null;
  let e00 = 0,
    e01 = 0,
    e02 = 0,
    e03 = 0,
    e04 = 0;
  let e10 = 0,
    e11 = 0,
    e12 = 0,
    e13 = 0,
    e14 = 0;
  let e20 = 0,
    e21 = 0,
    e22 = 0,
    e23 = 0,
    e24 = 0;
  let e30 = 0,
    e31 = 0,
    e32 = 0,
    e33 = 0,
    e34 = 0;
  let e40 = 0,
    e41 = 0,
    e42 = 0,
    e43 = 0,
    e44 = 0;
  const inv0 = 1 / 5;
  let q0 = inv0,
    q1 = inv0,
    q2 = inv0,
    q3 = inv0,
    q4 = inv0;
  writeGamma5(alpha, gamma, (t1 - 1) * 5, q0, q1, q2, q3, q4);
  for (let t = t1 - 2; t >= t0; t--) {
    const br = (t + 1 - t0) * 5;
    const v0 = b[br] * q0,
      v1 = b[br + 1] * q1,
      v2 = b[br + 2] * q2,
      v3 = b[br + 3] * q3,
      v4 = b[br + 4] * q4;
    const r = t * 5;
    const al0 = alpha[r],
      al1 = alpha[r + 1],
      al2 = alpha[r + 2],
      al3 = alpha[r + 3],
      al4 = alpha[r + 4];
    const u0 = 0 + a00 * v0 + a01 * v1 + a02 * v2 + a03 * v3 + a04 * v4;
    const u1 = 0 + a10 * v0 + a11 * v1 + a12 * v2 + a13 * v3 + a14 * v4;
    const u2 = 0 + a20 * v0 + a21 * v1 + a22 * v2 + a23 * v3 + a24 * v4;
    const u3 = 0 + a30 * v0 + a31 * v1 + a32 * v2 + a33 * v3 + a34 * v4;
    const u4 = 0 + a40 * v0 + a41 * v1 + a42 * v2 + a43 * v3 + a44 * v4;
    const su = 0 + u0 + u1 + u2 + u3 + u4;
    const z = 0 + al0 * u0 + al1 * u1 + al2 * u2 + al3 * u3 + al4 * u4;
    if (!(z > UNDERFLOW) || !Number.isFinite(z) || !(su > UNDERFLOW)) return false;
    if (xi) {
      const iz = 1 / z;
      const c0 = al0 * iz,
        c1 = al1 * iz,
        c2 = al2 * iz,
        c3 = al3 * iz,
        c4 = al4 * iz;
      // a zero weight adds +0 (v is finite and >= 0), which leaves a sum unchanged: no branch needed
      e00 += c0 * v0;
      e01 += c0 * v1;
      e02 += c0 * v2;
      e03 += c0 * v3;
      e04 += c0 * v4;
      e10 += c1 * v0;
      e11 += c1 * v1;
      e12 += c1 * v2;
      e13 += c1 * v3;
      e14 += c1 * v4;
      e20 += c2 * v0;
      e21 += c2 * v1;
      e22 += c2 * v2;
      e23 += c2 * v3;
      e24 += c2 * v4;
      e30 += c3 * v0;
      e31 += c3 * v1;
      e32 += c3 * v2;
      e33 += c3 * v3;
      e34 += c3 * v4;
      e40 += c4 * v0;
      e41 += c4 * v1;
      e42 += c4 * v2;
      e43 += c4 * v3;
      e44 += c4 * v4;
    }
    const isu = 1 / su;
    q0 = u0 * isu;
    q1 = u1 * isu;
    q2 = u2 * isu;
    q3 = u3 * isu;
    q4 = u4 * isu;
    writeGamma5(alpha, gamma, r, q0, q1, q2, q3, q4);
  }
  if (xiSum) {
    xiSum[0] += e00;
    xiSum[1] += e01;
    xiSum[2] += e02;
    xiSum[3] += e03;
    xiSum[4] += e04;
    xiSum[5] += e10;
    xiSum[6] += e11;
    xiSum[7] += e12;
    xiSum[8] += e13;
    xiSum[9] += e14;
    xiSum[10] += e20;
    xiSum[11] += e21;
    xiSum[12] += e22;
    xiSum[13] += e23;
    xiSum[14] += e24;
    xiSum[15] += e30;
    xiSum[16] += e31;
    xiSum[17] += e32;
    xiSum[18] += e33;
    xiSum[19] += e34;
    xiSum[20] += e40;
    xiSum[21] += e41;
    xiSum[22] += e42;
    xiSum[23] += e43;
    xiSum[24] += e44;
  }
  return true;
}

function writeGamma5(alpha: Float64Array, gamma: Float64Array, r: number, q0: number, q1: number, q2: number, q3: number, q4: number): void {
  const g0 = alpha[r] * q0,
    g1 = alpha[r + 1] * q1,
    g2 = alpha[r + 2] * q2,
    g3 = alpha[r + 3] * q3,
    g4 = alpha[r + 4] * q4;
  const inv = 1 / (0 + g0 + g1 + g2 + g3 + g4);
  gamma[r] = g0 * inv;
  gamma[r + 1] = g1 * inv;
  gamma[r + 2] = g2 * inv;
  gamma[r + 3] = g3 * inv;
  gamma[r + 4] = g4 * inv;
}
