import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createApiKey } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

/**
 * Random damage to small valid files, sent through the HTTP import: whatever the bytes, the answer
 * is never a 500, nothing is stored with U+FFFD in it, and no import stays `running`.
 */
const FILES = [
  {
    entity: 'customers',
    table: 'customer',
    type: 'text/csv',
    text: 'id,name,segment,acquisition_cost,attributes.tier\nc1,Ona,smb,12.5,gold\nc2,"Pavel, Jr",mid,,Привет\n',
  },
  {
    entity: 'tickets',
    table: 'ticket',
    type: 'application/x-ndjson',
    text:
      '{"id":"t1","created_at":"2026-01-01T00:00:00Z","tags":["a","b"],"attributes":{"x":"y"},"reopen_count":1}\n' +
      '{"id":"t2","created_at":"2026-01-02T00:00:00Z","subject":"Ačiū, Привет","channel":"chat"}\n',
  },
] as const;

// Bytes that break things: NUL, UTF-16 marks, lone lead and continuation bytes, a real U+FFFD,
// quotes, delimiters, line breaks, escapes and numbers beyond the double range.
const NASTY = [
  '\x00',
  '\xff\xfe',
  '\xc3',
  '\xe2\x82',
  '\x80',
  '\xef\xbf\xbd',
  '"',
  ',',
  '\n',
  '\r',
  '\\u0000',
  '1e309',
  '{',
  '}',
  ':',
].map((text) => Buffer.from(text, 'latin1'));

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), nasty: fc.nat(NASTY.length - 1) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(file: Buffer, mutations: Mutation[]): Buffer {
  let bytes = file;
  for (const m of mutations) {
    const at = m.at % (bytes.length + 1);
    if (m.kind === 'byte') {
      bytes = Buffer.from(bytes);
      if (at < bytes.length) bytes[at] = m.byte;
    } else if (m.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), NASTY[m.nasty]!, bytes.subarray(at)]);
    else bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
  }
  return bytes;
}

for (const variant of variants) {
  describe(`import fuzzing on ${variant.name}`, () => {
    test('damaged files never give a 500, never store U+FFFD, never leave a running import', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('silent', () => {}) });
      const { key } = await createApiKey(db.kysely, org.id, { name: 'fuzz', scope: 'full' });
      await fc.assert(
        fc.asyncProperty(
          fc.nat(FILES.length - 1),
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          fc.boolean(),
          async (which, mutations, skipInvalid) => {
            const file = FILES[which]!;
            const body = mutate(Buffer.from(file.text), mutations);
            const response = await app.request(
              `/api/v1/import/${file.entity}${skipInvalid ? '?skip_invalid=true' : ''}`,
              {
                method: 'POST',
                headers: { authorization: `Bearer ${key}`, 'content-type': file.type },
                body: body as BodyInit,
              },
            );
            const answer = await response.text();
            assert.ok(
              response.status < 500,
              `${response.status} ${answer} for ${JSON.stringify(body.toString('latin1'))}`,
            );
            const stored = await db.kysely.selectFrom(file.table).selectAll().where('org_id', '=', org.id).execute();
            assert.ok(
              !JSON.stringify(stored).includes('\ufffd'),
              `U+FFFD stored from ${JSON.stringify(body.toString('latin1'))}`,
            );
          },
        ),
        { numRuns: variant.name === 'pglite' ? 200 : 100, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 1e9) },
      );
      const running = await db.kysely
        .selectFrom('import_run')
        .select('id')
        .where('org_id', '=', org.id)
        .where('status', '=', 'running')
        .execute();
      assert.deepEqual(running, []);
    });
  });
}
