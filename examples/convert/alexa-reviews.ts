/**
 * Amazon Alexa reviews (Kaggle amazon_alexa.tsv) -> reviews.csv.
 *
 *   node --import tsx examples/convert/alexa-reviews.ts <amazon_alexa.tsv> <output dir>
 *
 * Tab separated with a BOM; quoted fields use CSV quoting (`""` inside quotes).
 * - id `alexa-<line>`: the file has no review id, so the line the record starts on stands in for
 *   one. It is stable only as long as the file is not edited or re-sorted.
 * - source amazon, language en, rating (1-5), text = verified_reviews (79 are blank: the review is
 *   kept with its rating), published_at = date (`28-Jul-18` -> `2018-07-28`, a date at midnight in
 *   the organization's zone; two-digit years are 20yy), attributes.variation with runs of spaces
 *   folded (`Black  Dot` -> `Black Dot`). `feedback` is dropped: it is derived from the rating.
 * The report counts rows that repeat an earlier row exactly, per rating: the copy of the data set
 * in this repository oversampled ratings 1 and 2 by repeating rows (see SOURCES.md).
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { CsvWriter } from './csv-writer.ts';
import { readArgs } from './read-args.ts';
import { Tally } from './tally.ts';

interface SourceRow {
  rating: string;
  date: string;
  variation: string;
  verified_reviews: string;
}

const { input, outDir } = readArgs('examples/convert/alexa-reviews.ts <amazon_alexa.tsv> <output dir>');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `28-Jul-18` -> `2018-07-28`; undefined when it is not such a date. */
function reviewDate(raw: string): string | undefined {
  const m = /^(\d{1,2})-([A-Z][a-z]{2})-(\d{2})$/.exec(raw.trim());
  const month = m ? MONTHS.indexOf(m[2]!) + 1 : 0;
  if (!m || month === 0) return undefined;
  const iso = `20${m[3]}-${String(month).padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  // Rejects 31-Jun-18 and the like: the date must survive a round trip.
  return new Date(`${iso}T00:00:00Z`).toISOString().startsWith(iso) ? iso : undefined;
}

const parser = createReadStream(input).pipe(parse({ bom: true, delimiter: '\t', columns: true, info: true }));
const reviews = new CsvWriter(join(outDir, 'reviews.csv'), [
  'id',
  'source',
  'published_at',
  'rating',
  'text',
  'language',
  'attributes.variation',
]);
const skipped = new Tally();
const ratings = new Tally();
const repeats = new Tally();
const seen = new Set<string>();
let rows = 0;

for await (const { record, info } of parser as AsyncIterable<{ record: SourceRow; info: { lines: number } }>) {
  rows++;
  // info.lines is the line where the record ends; none of this file's fields span lines, but
  // count the breaks anyway so that the id is the line where the record starts.
  const line = info.lines - (Object.values(record).join('').match(/\n/g)?.length ?? 0);
  const rating = record.rating.trim();
  const publishedAt = reviewDate(record.date);
  if (!/^[1-5]$/.test(rating)) {
    skipped.add('rating is not 1-5');
    continue;
  }
  if (!publishedAt) {
    skipped.add('date is missing or unreadable (published_at is required)');
    continue;
  }
  const variation = record.variation.replace(/\s+/g, ' ').trim();
  const key = JSON.stringify([rating, publishedAt, variation, record.verified_reviews]);
  if (seen.has(key)) repeats.add(`rating ${rating}`);
  seen.add(key);
  ratings.add(`rating ${rating}`);
  await reviews.write({
    id: `alexa-${line}`,
    source: 'amazon',
    published_at: publishedAt,
    rating,
    text: record.verified_reviews,
    language: 'en',
    'attributes.variation': variation || undefined,
  });
}
await reviews.close();

console.log(`read ${rows} rows`);
console.log(`wrote ${reviews.written} reviews -> ${reviews.path}`);
ratings.print('  by rating');
repeats.print('  exact repeats of an earlier row (same rating, date, variation and text)');
skipped.print('skipped rows');
