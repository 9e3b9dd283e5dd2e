// Small seeded pseudo-random generator (SplitMix32 seeding of Mulberry32) for k-means++ and sampling;
// pure modules take a seed instead of reading Math.random.

/** A seeded source of uniform and standard-normal draws. */
export interface Prng {
  /** Uniform draw in [0, 1). */
  next(): number;
  /** Standard normal draw (Box-Muller, caching the second value). */
  normal(): number;
}

/**
 * Creates a Mulberry32 generator from an integer seed. Same seed, same sequence on every platform.
 * @example const rng = createPrng(42); rng.next();
 */
export function createPrng(seed: number): Prng {
  let a = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  let spare = Number.NaN;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    normal(): number {
      if (!Number.isNaN(spare)) {
        const v = spare;
        spare = Number.NaN;
        return v;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}
