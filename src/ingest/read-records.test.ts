import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readRecords, type SourceItem } from './read-records.ts';

async function collect(chunks: string[] | Buffer[], format?: 'csv' | 'jsonl' | 'json'): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of readRecords(
    (async function* () {
      yield* chunks;
    })(),
    format,
  ))
    items.push(item);
  return items;
}

test('CSV: BOM, quoted commas, quotes and line breaks, with the line each record starts on', async () => {
  const csv =
    '\ufeffid,subject,created_at\n1,"Hello, ""world""",2026-01-01\n2,"two\nlines",2026-01-02\n\n3,plain,2026-01-03\n';
  const items = await collect([csv]);
  assert.deepEqual(items[0], { type: 'columns', line: 1, columns: ['id', 'subject', 'created_at'] });
  assert.deepEqual(
    items.slice(1).map((i) => [i.line, i.type === 'record' ? i.values.subject : null]),
    [
      [2, 'Hello, "world"'],
      [3, 'two\nlines'],
      [6, 'plain'],
    ],
  );
});

test('CSV: semicolon and tab delimiters are detected from the header', async () => {
  for (const delimiter of [';', '\t']) {
    const items = await collect([`id${delimiter}amount\r\nA${delimiter}"1,5"\r\n`]);
    assert.deepEqual(items[1], { type: 'record', line: 2, values: { id: 'A', amount: '1,5' } });
  }
});

test('CSV: a row with the wrong number of fields is a broken record; an open quote breaks the file', async () => {
  const items = await collect(['id,name\n1,a\n2,b,extra\n3,c\n']);
  assert.deepEqual(
    items.map((i) => i.type),
    ['columns', 'record', 'broken', 'record'],
  );
  assert.match((items[2] as { reason: string }).reason, /3 fields but the header has 2/);
  await assert.rejects(collect(['id,name\n1,"never closed\n']), /cannot be read/);
  await assert.rejects(collect(['id,,name\n1,2,3\n']), /column 2 of the header has no name/);
});

test('JSON Lines: blank lines skipped, broken lines reported with their number', async () => {
  const items = await collect(['{"id":"a"}\n\n{"id":', '"b"}\nnot json\n[1]\n{"id":"c"}']);
  assert.deepEqual(
    items.map((i) => [i.type, i.line]),
    [
      ['record', 1],
      ['record', 3],
      ['broken', 4],
      ['broken', 5],
      ['record', 6],
    ],
  );
});

test('JSON array: elements stream out with their line; structure errors throw', async () => {
  const items = await collect(['[\n {"id":"a","t":"x]}"},\n {"id":"b","n":{"k":[1,2]}}\n]\n']);
  assert.deepEqual(items, [
    { type: 'record', line: 2, values: { id: 'a', t: 'x]}' } },
    { type: 'record', line: 3, values: { id: 'b', n: { k: [1, 2] } } },
  ]);
  assert.deepEqual(await collect(['[]']), []);
  await assert.rejects(collect(['{"id":1}'], 'json'), /must be an array/);
  await assert.rejects(collect(['[{"id":1}']), /not closed/);
});

test('any split of the input into chunks reads the same records', async () => {
  const records = [
    { id: 'a', text: 'Quote " comma , bracket ] brace }', n: 1 },
    { id: 'b', text: 'Ąčę ёжик 👍\nnew line', n: 2 },
    { id: 'c', nested: { list: [1, [2, 3]] } },
  ];
  const inputs = {
    json: Buffer.from(JSON.stringify(records, null, 1)),
    jsonl: Buffer.from(records.map((r) => JSON.stringify(r)).join('\n')),
    csv: Buffer.from('id,text\na,"Quote "" comma , x"\nb,"Ąčę ёжик 👍\nnew line"\n'),
  };
  const expected = {
    json: await collect([inputs.json]),
    jsonl: await collect([inputs.jsonl]),
    csv: await collect([inputs.csv]),
  };
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('json', 'jsonl', 'csv' as const),
      fc.array(fc.nat(), { maxLength: 6 }),
      async (format, cuts) => {
        const bytes = inputs[format];
        const points = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let from = 0;
        for (const point of [...points, bytes.length]) {
          chunks.push(bytes.subarray(from, point));
          from = point;
        }
        assert.deepEqual(await collect(chunks.filter((c) => c.length)), expected[format]);
      },
    ),
    { numRuns: 150 },
  );
});
