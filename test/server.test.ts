import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApiKey } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/http/logger.ts';
import { startServer } from '../src/http/server.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

test('shutdown waits for an import in flight, and the import completes', async () => {
  const db = await variants[0]!.db();
  const org = await createTestOrg(db);
  const { key } = await createApiKey(db.kysely, org.id, { name: 't', scope: 'full' });
  const server = await startServer({ db, config: { ...loadConfig({}, {}), port: 0 }, logger: createLogger('silent') });

  let send!: (text: string | null) => void;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      send = (text) => (text === null ? controller.close() : controller.enqueue(new TextEncoder().encode(text)));
    },
  });
  const response = fetch(`${server.url}/api/v1/import/teams`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
    body,
    duplex: 'half',
  } as RequestInit);
  send('id,name\n');
  send('t1,First\n');
  await new Promise((resolve) => setTimeout(resolve, 100));

  let closed = false;
  const closing = server.close().then(() => (closed = true));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(closed, false, 'the server waits while the import is in flight');
  send('t2,Second\n');
  send(null);

  const result = (await (await response).json()) as { inserted: number };
  assert.equal(result.inserted, 2);
  await closing;
  assert.equal(closed, true);
  await assert.rejects(fetch(`${server.url}/api/v1/health`), 'no new connections after shutdown');
});
