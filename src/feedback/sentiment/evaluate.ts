/** Macro-F1 and the confusion matrix of predicted against true labels. */
export interface Evaluation {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  /** confusion[true][predicted] */
  confusion: number[][];
}

export function evaluate(labels: readonly string[], truth: string[], predicted: string[]): Evaluation {
  const k = labels.length;
  const confusion = labels.map(() => new Array<number>(k).fill(0));
  let correct = 0;
  truth.forEach((t, i) => {
    const a = labels.indexOf(t);
    const b = labels.indexOf(predicted[i]!);
    if (a < 0 || b < 0) throw new Error(`label outside ${labels.join(', ')}: ${t} / ${predicted[i]}`);
    confusion[a]![b]!++;
    if (a === b) correct++;
  });
  const perClass: Evaluation['perClass'] = {};
  let f1Sum = 0;
  labels.forEach((label, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((s, v) => s + v, 0);
    const predictedCount = confusion.reduce((s, row) => s + row[c]!, 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[label] = { precision, recall, f1, support };
    f1Sum += f1;
  });
  return {
    n: truth.length,
    accuracy: truth.length ? correct / truth.length : 0,
    macroF1: f1Sum / k,
    perClass,
    confusion,
  };
}
