// Standard normal distribution: density, CDF (Marsaglia 2004) and quantile (Acklam's algorithm with one Halley step).

/** ln √(2π). */
const LOG_SQRT_2PI = 0.9189385332046727;

/** Standard normal density φ(x) = exp(-x²/2) / √(2π). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x - LOG_SQRT_2PI);
}

/**
 * Standard normal CDF Φ(x) by Marsaglia's Taylor series Φ(x) = 1/2 + φ(x) (x + x³/3 + x⁵/(3·5) + ...),
 * absolute error ~1e-15. Source: G. Marsaglia, "Evaluating the Normal Distribution", J. Stat. Software 11(4), 2004.
 * |x| > 8.5 returns 0 or 1 (the series would need hundreds of terms; Φ is within 1e-17 of the bound there).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < -8.5) return 0;
  if (x > 8.5) return 1;
  let s = x;
  let t = 0;
  let b = x;
  const q = x * x;
  let i = 1;
  while (s !== t) {
    t = s;
    i += 2;
    b *= q / i;
    s = t + b;
  }
  return 0.5 + s * Math.exp(-0.5 * q - LOG_SQRT_2PI);
}

const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/**
 * Quantile Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation (relative error 1.15e-9), refined by one
 * Halley step on Φ(x) - p where min(p, 1-p) > 1e-6 (deeper tails keep Acklam's 1.15e-9). Source: P. J. Acklam, "An algorithm for computing the inverse normal cumulative
 * distribution function" (2003). p = 0 or 1 gives -∞ / +∞.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  } else if (p <= 1 - P_LOW) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
      (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  }
  // Φ above has ~1e-16 absolute (not relative) accuracy, so the Halley step helps only where min(p, 1-p) is not tiny.
  if (Math.min(p, 1 - p) > 1e-6) {
    const e = normalCdf(x) - p;
    const u = e / normalPdf(x);
    x = x - u / (1 + (x * u) / 2);
  }
  return x;
}
