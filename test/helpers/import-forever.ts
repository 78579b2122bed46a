/**
 * A process that starts an import and never finishes it, to be killed with SIGKILL by a test.
 * Argument: a PostgreSQL URL or a PGlite data directory. Prints the organization id once the
 * import's history row is written and its transaction is open.
 */
import { openDatabase } from '../../src/db/connect.ts';
import { importRecords } from '../../src/ingest/index.ts';
import { createOrganization } from '../../src/orgs/index.ts';

const target = process.argv[2]!;
const url = target.startsWith('postgres') ? target : undefined;
const db = await openDatabase({ dataDir: url ? '' : target, databaseUrl: url, poolSize: 2 });
const org = await createOrganization(db.kysely, { slug: `killed-${process.pid}`, name: 'killed' });
await importRecords(db, org, 'teams', {
  bytes: (async function* () {
    yield Buffer.from('id,name\nt1,One\n');
    process.stdout.write(`${org.id}\n`);
    await new Promise(() => {}); // the rest of the file never comes
  })(),
});
