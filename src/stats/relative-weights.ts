/**
 * Johnson's relative weights (Johnson 2000, "A heuristic method for estimating the relative
 * weight of predictor variables in multiple regression", Multivariate Behavioral Research 35):
 * the predictors are replaced by their closest orthogonal counterparts Z = X R^(-1/2), the
 * outcome is regressed on Z, and each predictor's weight is the sum over Z of its squared
 * loading times the squared coefficient. The weights are non-negative and add up to the model's
 * R², so each is the share of explained variance the predictor accounts for, even when the
 * predictors are correlated (where regression coefficients mislead). Percentile bootstrap
 * intervals come from resampling the rows with a seeded generator, so a result repeats.
 */
export interface RelativeWeights {
  /** R² of the linear regression of y on all predictors. */
  r2: number;
  /** Raw weight of each predictor (they sum to r2). */
  weights: number[];
  /** Pearson correlation of each predictor with y (the sign tells the direction). */
  correlations: number[];
}

/** Eigenvalues and eigenvectors (columns) of a symmetric matrix, by cyclic Jacobi rotations. */
export function symmetricEigen(a: number[][]): { values: number[]; vectors: number[][] } {
  const n = a.length;
  const m = a.map((row) => [...row]);
  const v = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i]![j]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q]![q]! - m[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k]![p]!;
          const mkq = m[k]![q]!;
          m[k]![p] = c * mkp - s * mkq;
          m[k]![q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p]![k]!;
          const mqk = m[q]![k]!;
          m[p]![k] = c * mpk - s * mqk;
          m[q]![k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: m.map((row, i) => row[i]!), vectors: v };
}

function correlate(x: number[][], y: number[]): { rxx: number[][]; rxy: number[] } {
  const n = y.length;
  const p = x[0]?.length ?? 0;
  const mean = (col: (i: number) => number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += col(i);
    return s / n;
  };
  const mx = Array.from({ length: p }, (_, j) => mean((i) => x[i]![j]!));
  const my = mean((i) => y[i]!);
  const sd = (col: (i: number) => number, m: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (col(i) - m) ** 2;
    return Math.sqrt(s);
  };
  const sx = mx.map((m, j) => sd((i) => x[i]![j]!, m));
  const sy = sd((i) => y[i]!, my);
  const rxx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const rxy = new Array<number>(p).fill(0);
  for (let j = 0; j < p; j++) {
    for (let k = j; k < p; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (x[i]![j]! - mx[j]!) * (x[i]![k]! - mx[k]!);
      rxx[j]![k] = rxx[k]![j] = sx[j] && sx[k] ? s / (sx[j]! * sx[k]!) : j === k ? 1 : 0;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += (x[i]![j]! - mx[j]!) * (y[i]! - my);
    rxy[j] = sx[j] && sy ? s / (sx[j]! * sy) : 0;
  }
  return { rxx, rxy };
}

/** Relative weights of the columns of `x` (rows are observations) for `y`. */
export function relativeWeights(x: number[][], y: number[]): RelativeWeights {
  if (x.length !== y.length || y.length < 3) throw new Error('relativeWeights needs at least 3 rows of x and y');
  const { rxx, rxy } = correlate(x, y);
  const p = rxy.length;
  const { values, vectors } = symmetricEigen(rxx);
  // Λ = R^(1/2) = V diag(sqrt(λ)) V'; β = Λ^(-1) rxy (pseudo-inverse for λ ~ 0: collinear predictors).
  const root = values.map((l) => Math.sqrt(Math.max(l, 0)));
  const lambda = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => sumK(i, j, root)));
  function sumK(i: number, j: number, d: number[]) {
    let s = 0;
    for (let k = 0; k < p; k++) s += vectors[i]![k]! * d[k]! * vectors[j]![k]!;
    return s;
  }
  const inverseRoot = root.map((r) => (r > 1e-6 ? 1 / r : 0));
  const beta = Array.from({ length: p }, (_, i) => {
    let s = 0;
    for (let j = 0; j < p; j++) s += sumK(i, j, inverseRoot) * rxy[j]!;
    return s;
  });
  const weights = Array.from({ length: p }, (_, j) => {
    let s = 0;
    for (let k = 0; k < p; k++) s += lambda[j]![k]! ** 2 * beta[k]! ** 2;
    return s;
  });
  return { r2: weights.reduce((s, w) => s + w, 0), weights, correlations: rxy };
}

/** A small seeded generator (mulberry32), so that bootstrap intervals repeat. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WeightIntervals extends RelativeWeights {
  /** 95 % percentile bootstrap interval of each weight. */
  low: number[];
  high: number[];
  resamples: number;
}

export function bootstrapRelativeWeights(x: number[][], y: number[], resamples = 200, seed = 1): WeightIntervals {
  const point = relativeWeights(x, y);
  const random = seededRandom(seed);
  const n = y.length;
  const draws: number[][] = point.weights.map(() => []);
  for (let b = 0; b < resamples; b++) {
    const xs: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < n; i++) {
      const k = Math.floor(random() * n);
      xs.push(x[k]!);
      ys.push(y[k]!);
    }
    const w = relativeWeights(xs, ys).weights;
    w.forEach((value, j) => draws[j]!.push(value));
  }
  const quantile = (sorted: number[], q: number) => {
    const at = (sorted.length - 1) * q;
    const lo = Math.floor(at);
    return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (at - lo);
  };
  const sorted = draws.map((d) => [...d].sort((a, b) => a - b));
  return {
    ...point,
    low: sorted.map((d) => quantile(d, 0.025)),
    high: sorted.map((d) => quantile(d, 0.975)),
    resamples,
  };
}
