export { incompleteBeta, logGamma, normalCdf, normalQuantile, studentCdf, studentQuantile } from './distributions.ts';
export {
  adjustedWaldInterval,
  compareNps,
  meanInterval,
  npsInterval,
  npsScore,
  npsVariance,
  percentile,
  sampleSizeForMean,
  sampleSizeForNps,
  sampleSizeForProportion,
  sampleVariance,
  twoProportionTest,
  waldInterval,
  welchTest,
  wilsonInterval,
  type Interval,
  type MeanComponents,
  type NpsCounts,
  type TestResult,
} from './estimators.ts';
export { chiSquareCdf, normalUpperTail, regularizedGammaP } from './distributions.ts';
export {
  compareMeans,
  compareNpsArms,
  compareProportions,
  fisherExact,
  holmAdjust,
  meanComponentsOf,
  needsExactTest,
  powerPerArm,
  sampleRatioCheck,
  sampleSizeForMeans,
  sampleSizeForProportions,
  sampleSizePerArm,
  type Comparison,
  type SampleRatioCheck,
} from './comparisons.ts';
export { mannWhitney } from './rank-tests.ts';
export { nelderMead, type Minimum } from './optimize.ts';
export {
  bootstrapRelativeWeights,
  relativeWeights,
  seededRandom,
  symmetricEigen,
  type RelativeWeights,
  type WeightIntervals,
} from './relative-weights.ts';
