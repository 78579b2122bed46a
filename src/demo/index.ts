export {
  generateDemo,
  DEMO_STORIES,
  DEMO_TIMEZONE,
  BASIC_PRICE_BEFORE,
  BASIC_PRICE_AFTER,
  PRO_PRICE,
} from './generate-demo.ts';
export type { DemoOptions, DemoData, DemoStory, Rec, JsonValue } from './generate-demo.ts';
export { Rng, WeightedSampler, createRng } from './random.ts';
