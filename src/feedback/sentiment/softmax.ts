/**
 * Multinomial logistic regression over sparse features, trained by full-batch gradient descent
 * with Adam steps and an L2 penalty (the bias is not penalized). Starts from zero and visits the
 * examples in their given order, so the same data gives the same weights on every run.
 */
export interface SparseExample {
  /** Feature indexes and values. */
  x: [number, number][];
  y: number;
}

export interface SoftmaxModel {
  classes: number;
  features: number;
  /** features × classes, row-major. */
  weights: Float64Array;
}

export function predictProbabilities(model: SoftmaxModel, x: [number, number][]): number[] {
  const k = model.classes;
  const z = new Array<number>(k).fill(0);
  for (const [j, v] of x) {
    const row = j * k;
    for (let c = 0; c < k; c++) z[c]! += model.weights[row + c]! * v;
  }
  const max = Math.max(...z);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    z[c] = Math.exp(z[c]! - max);
    sum += z[c]!;
  }
  return z.map((e) => e / sum);
}

export function trainSoftmax(
  examples: SparseExample[],
  options: { classes: number; features: number; lambda: number; iterations: number; rate: number; biasIndex: number },
): SoftmaxModel {
  const { classes: k, features: d } = options;
  const model: SoftmaxModel = { classes: k, features: d, weights: new Float64Array(d * k) };
  const m = new Float64Array(d * k);
  const v = new Float64Array(d * k);
  const grad = new Float64Array(d * k);
  const b1 = 0.9;
  const b2 = 0.999;
  const n = examples.length;
  for (let t = 1; t <= options.iterations; t++) {
    grad.fill(0);
    for (const ex of examples) {
      const p = predictProbabilities(model, ex.x);
      p[ex.y]! -= 1;
      for (const [j, value] of ex.x) {
        const row = j * k;
        for (let c = 0; c < k; c++) grad[row + c]! += (p[c]! * value) / n;
      }
    }
    for (let i = 0; i < d * k; i++) {
      const j = Math.floor(i / k);
      const g = grad[i]! + (j === options.biasIndex ? 0 : options.lambda * model.weights[i]!);
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      const mh = m[i]! / (1 - b1 ** t);
      const vh = v[i]! / (1 - b2 ** t);
      model.weights[i]! -= (options.rate * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return model;
}
