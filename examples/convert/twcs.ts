/**
 * Customer Support on Twitter (twcs.csv, Kaggle/thoughtvector) -> tickets.csv + teams.csv.
 *
 *   node --import tsx examples/convert/twcs.ts <twcs_head_sample.csv> <output dir>
 *
 * A ticket is a conversation: a customer tweet (inbound True) that replies to nothing starts one,
 * and every tweet that replies into it (following in_response_to_tweet_id) belongs to it.
 * - id `twcs-<tweet_id>`, customer_id = the customer's (anonymised) author_id, channel social,
 *   created_at = the opening tweet (`Tue Oct 31 22:10:47 +0000 2017` -> `2017-10-31T22:10:47Z`),
 *   subject = its text with line breaks folded into spaces.
 * - first_response_at = the earliest company tweet (inbound False) in the conversation;
 *   team_id = that company's handle (e.g. AppleSupport): the data names companies, not agents
 *   (agents only sign inside the text, `^JK`), so agent_id stays empty. teams.csv names each
 *   such company (id = name = handle).
 * - agent_replies = company tweets in the conversation; customer_replies = later tweets of the
 *   customer who opened it. Other inbound authors (bystanders, and a few company accounts that the
 *   data set anonymised as customers) count in neither. There is no status or resolution in the
 *   data, so those stay empty.
 * - A conversation that links to tweets missing from the file (a cut sample) is still written,
 *   with attributes.incomplete = true: its first response may be one of the missing tweets.
 * The whole file is held in memory (one small object per tweet) to follow the reply chains.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { CsvWriter } from './csv-writer.ts';
import { readArgs } from './read-args.ts';
import { Tally } from './tally.ts';

interface SourceRow {
  tweet_id: string;
  author_id: string;
  inbound: string;
  created_at: string;
  text: string;
  response_tweet_id: string;
  in_response_to_tweet_id: string;
}

interface Tweet {
  id: string;
  author: string;
  inbound: boolean;
  /** ISO UTC (compares as text), or undefined when created_at could not be read. */
  at: string | undefined;
  parent: string | undefined;
  responses: string[];
  text: string;
}

const { input, outDir } = readArgs('examples/convert/twcs.ts <twcs.csv> <output dir>');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Twitter's `Tue Oct 31 22:10:47 +0000 2017` -> `2017-10-31T22:10:47Z`. */
function twitterTime(raw: string): string | undefined {
  const m = /^\w{3} (\w{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/.exec(raw.trim());
  const month = m ? MONTHS.indexOf(m[1]!) : -1;
  if (!m || month < 0) return undefined;
  const local = Date.UTC(Number(m[9]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  const offsetMs = (m[6] === '-' ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8])) * 60_000;
  return new Date(local - offsetMs).toISOString().replace('.000Z', 'Z');
}

/** Tweet ids went through pandas floats in this file (`3.0`): back to the integer text. */
function tweetId(raw: string): string | undefined {
  const id = raw.trim().replace(/\.0+$/, '');
  return /^\d+$/.test(id) ? id : undefined;
}

const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

function median(values: number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// The unnamed first column is a pandas index (renamed so that it is not an empty key), and one
// text field holds a bare `\r\r`: records end at `\n` only, so that it stays inside its field.
const parser = createReadStream(input).pipe(
  parse({ bom: true, record_delimiter: '\n', columns: (header: string[]) => header.map((name) => name || 'index') }),
);
const tweets = new Map<string, Tweet>();
const children = new Map<string, string[]>();
const unreadable = new Tally();
for await (const row of parser as AsyncIterable<SourceRow>) {
  const id = tweetId(row.tweet_id);
  if (!id) {
    unreadable.add('tweet_id is not a number');
    continue;
  }
  const parent = tweetId(row.in_response_to_tweet_id);
  const tweet: Tweet = {
    id,
    author: row.author_id.trim(),
    inbound: row.inbound.trim() === 'True',
    at: twitterTime(row.created_at),
    parent,
    responses: row.response_tweet_id
      .split(',')
      .map(tweetId)
      .filter((r): r is string => r !== undefined),
    // Only an opening tweet's text is used (as the subject); replies drop theirs to save memory.
    text: parent ? '' : row.text,
  };
  tweets.set(id, tweet);
  if (parent) {
    const siblings = children.get(parent);
    if (siblings) siblings.push(id);
    else children.set(parent, [id]);
  }
}

const tickets = new CsvWriter(join(outDir, 'tickets.csv'), [
  'id',
  'customer_id',
  'team_id',
  'channel',
  'subject',
  'created_at',
  'first_response_at',
  'agent_replies',
  'customer_replies',
  'attributes.incomplete',
]);
const skipped = new Tally();
const notTickets = new Tally();
const delays: number[] = [];
let incomplete = 0;
let inTickets = 0;
let othersTweets = 0;
const teams = new Set<string>();

for (const root of tweets.values()) {
  if (root.parent !== undefined) continue;
  if (!root.inbound) {
    notTickets.add('company tweet that replies to nothing (outbound message, not a ticket)');
    continue;
  }
  if (!root.at) {
    skipped.add('created_at of the opening tweet cannot be read (created_at is required)');
    continue;
  }
  // Walk the reply tree of the opening tweet.
  const conversation: Tweet[] = [];
  let cut = false;
  const queue = [root.id];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const tweet = tweets.get(next);
    if (!tweet) continue;
    conversation.push(tweet);
    if (tweet.responses.some((id) => !tweets.has(id))) cut = true;
    queue.push(...(children.get(next) ?? []));
  }
  inTickets += conversation.length;
  const replies = conversation.slice(1);
  let first: Tweet | undefined;
  for (const reply of replies) if (!reply.inbound && reply.at && (!first || reply.at < first.at!)) first = reply;
  if (first) {
    delays.push(seconds(root.at, first.at!));
    teams.add(first.author);
  }
  if (cut) incomplete++;
  othersTweets += replies.filter((t) => t.inbound && t.author !== root.author).length;
  await tickets.write({
    id: `twcs-${root.id}`,
    customer_id: root.author,
    team_id: first?.author,
    channel: 'social',
    subject: root.text.replace(/[\r\n]+/g, ' ').trim(),
    created_at: root.at,
    first_response_at: first?.at,
    agent_replies: replies.filter((t) => !t.inbound).length,
    customer_replies: replies.filter((t) => t.inbound && t.author === root.author).length,
    'attributes.incomplete': cut ? true : undefined,
  });
}
await tickets.close();

// The companies' handles are also their names: written so that reports show them, not unknown ids.
const teamFile = new CsvWriter(join(outDir, 'teams.csv'), ['id', 'name']);
for (const handle of teams) await teamFile.write({ id: handle, name: handle });
await teamFile.close();

for (const tweet of tweets.values()) {
  if (tweet.parent === undefined) continue;
  let top = tweet;
  while (top.parent !== undefined && tweets.has(top.parent)) top = tweets.get(top.parent)!;
  if (top.parent !== undefined) notTickets.add('reply whose conversation starts before the sample');
  else if (!top.inbound) notTickets.add('reply in a conversation a company started');
}

// The figure SOURCES.md quotes: every company reply to an in-sample customer tweet, not only the first.
const replyDelays: number[] = [];
for (const tweet of tweets.values()) {
  const parent = tweet.parent === undefined ? undefined : tweets.get(tweet.parent);
  if (!tweet.inbound && parent?.inbound && tweet.at && parent.at) replyDelays.push(seconds(parent.at, tweet.at));
}

const answered = delays.length;
console.log(`read ${tweets.size} tweets; ${inTickets} of them form the conversations below`);
console.log(`wrote ${tickets.written} tickets -> ${tickets.path}`);
console.log(
  `  ${answered} with a first response, median ${median(delays)} s; ${tickets.written - answered} without one`,
);
console.log(`  ${othersTweets} customer-side tweets by someone other than the opener are in neither reply count`);
console.log(`  ${incomplete} marked attributes.incomplete (they link to tweets missing from the file)`);
console.log(
  `  for comparison: ${replyDelays.length} company replies to in-sample customer tweets, median ${median(replyDelays)} s`,
);
console.log(`wrote ${teamFile.written} teams -> ${teamFile.path} (the companies that answered)`);
skipped.print('skipped conversations');
notTickets.print('tweets outside any ticket');
unreadable.print('unreadable records');
