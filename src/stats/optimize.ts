/**
 * Nelder-Mead simplex minimisation (Nelder & Mead 1965; the adaptive coefficients of Gao & Han
 * 2012 for higher dimensions), restarted from its best point until a restart no longer improves
 * it, because a simplex can collapse early on a flat likelihood. Callers optimise positive
 * parameters on the log scale. Non-finite function values count as +Infinity.
 */
export interface Minimum {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

export function nelderMead(
  f: (x: number[]) => number,
  start: readonly number[],
  options: { step?: number; tolerance?: number; maxIterations?: number; restarts?: number } = {},
): Minimum {
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 5000;
  const safe = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let best = { x: [...start], value: safe([...start]) };
  let total = 0;
  let converged = false;
  for (let round = 0; round <= (options.restarts ?? 3); round++) {
    const result = simplex(safe, best.x, options.step ?? 0.5, tolerance, maxIterations);
    total += result.iterations;
    converged = result.converged;
    const improved = best.value - result.value > tolerance * (Math.abs(best.value) + tolerance);
    best = result.value <= best.value ? { x: result.x, value: result.value } : best;
    if (round > 0 && !improved) break;
  }
  return { ...best, iterations: total, converged };
}

function simplex(f: (x: number[]) => number, start: number[], step: number, tolerance: number, maxIterations: number) {
  const n = start.length;
  const alpha = 1;
  const gamma = 1 + 2 / n;
  const rho = 0.75 - 1 / (2 * n);
  const sigma = 1 - 1 / n;
  let points = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))];
  let values = points.map(f);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const order = values.map((v, i) => i).sort((a, b) => values[a]! - values[b]!);
    points = order.map((i) => points[i]!);
    values = order.map((i) => values[i]!);
    const spread = Math.abs(values[n]! - values[0]!);
    const size = Math.max(...points.slice(1).map((p) => Math.max(...p.map((v, j) => Math.abs(v - points[0]![j]!)))));
    if (spread <= tolerance * (Math.abs(values[0]!) + tolerance) && size <= 1e-8) {
      return { x: points[0]!, value: values[0]!, iterations, converged: true };
    }
    const centroid = start.map((_, j) => points.slice(0, n).reduce((s, p) => s + p[j]!, 0) / n);
    const along = (t: number) => centroid.map((c, j) => c + t * (points[n]![j]! - c));
    const reflected = along(-alpha);
    const fr = f(reflected);
    if (fr < values[0]!) {
      const expanded = along(-alpha * gamma);
      const fe = f(expanded);
      [points[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
      continue;
    }
    if (fr < values[n - 1]!) {
      [points[n], values[n]] = [reflected, fr];
      continue;
    }
    const contracted = fr < values[n]! ? along(-alpha * rho) : along(rho);
    const fc = f(contracted);
    if (fc < Math.min(fr, values[n]!)) {
      [points[n], values[n]] = [contracted, fc];
      continue;
    }
    for (let i = 1; i <= n; i++) {
      points[i] = points[i]!.map((v, j) => points[0]![j]! + sigma * (v - points[0]![j]!));
      values[i] = f(points[i]!);
    }
  }
  const i = values.indexOf(Math.min(...values));
  return { x: points[i]!, value: values[i]!, iterations, converged: false };
}
