import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readCsvRecords } from './csv-reader.ts';

async function parse(chunks: string[], delimiter = ','): Promise<Array<{ line: number; cells: string[] }>> {
  const out = [];
  for await (const batch of readCsvRecords(
    (async function* () {
      yield* chunks;
    })(),
    delimiter,
  ))
    out.push(...batch);
  return out;
}

/** RFC 4180 writing: quote when needed, or always when `quoteAll`. */
function write(rows: string[][], delimiter: string, eol: string, quoteAll: boolean): string {
  return rows
    .map((row) =>
      row
        .map((cell) =>
          quoteAll || cell === '' || cell.includes(delimiter) || /["\r\n]/.test(cell)
            ? `"${cell.replace(/"/g, '""')}"`
            : cell,
        )
        .join(delimiter),
    )
    .join(eol);
}

test('edge cases: quotes, line breaks, CRLF, bare CR, blank lines, trailing delimiter, BOM', async () => {
  const text = '\ufeffa,b\r\n"x ""q"", y","1\n2"\r\n\r\nplain,12" screen\nbare\rcr,z\nlast,\n';
  assert.deepEqual(await parse([text]), [
    { line: 1, cells: ['a', 'b'] },
    { line: 2, cells: ['x "q", y', '1\n2'] },
    { line: 5, cells: ['plain', '12" screen'] },
    { line: 6, cells: ['bare\rcr', 'z'] },
    { line: 7, cells: ['last', ''] },
  ]);
  assert.deepEqual(await parse(['a;b\n1;2']), [
    { line: 1, cells: ['a;b'] },
    { line: 2, cells: ['1;2'] },
  ]);
  assert.deepEqual(await parse(['a;b\n1;2'], ';'), [
    { line: 1, cells: ['a', 'b'] },
    { line: 2, cells: ['1', '2'] },
  ]);
  await assert.rejects(parse(['a\n"open\n']), /quoted field is never closed/);
  await assert.rejects(parse(['a,b\n"x"y,1\n']), /followed by "y"/);
});

test('any table written as RFC 4180 and split anywhere reads back the same', async () => {
  const cell = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom('', '"', '""', ',', ';', '\t', '\n', '\r\n', 'a,b', 'say "hi"', 'ąčę', 'ёж', '👍'),
  );
  await fc.assert(
    fc.asyncProperty(
      fc
        .integer({ min: 1, max: 4 })
        .chain((width) =>
          fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 }),
        ),
      fc.constantFrom(',', ';', '\t'),
      fc.constantFrom('\n', '\r\n'),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 5 }),
      async (rows, delimiter, eol, quoteAll, cuts) => {
        // A row of one empty unquoted cell is a blank line, which readers skip: quote those.
        const text = write(rows, delimiter, eol, quoteAll) + eol;
        const points = [...new Set(cuts.map((c) => c % text.length))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let from = 0;
        for (const point of [...points, text.length]) {
          chunks.push(text.slice(from, point));
          from = point;
        }
        const parsed = await parse(chunks.filter(Boolean), delimiter);
        assert.deepEqual(
          parsed.map((r) => r.cells),
          rows,
        );
        let line = 1;
        for (const [i, row] of rows.entries()) {
          assert.equal(parsed[i]!.line, line);
          line += 1 + row.join('').split('\n').length - 1;
        }
      },
    ),
    { numRuns: 400 },
  );
});
