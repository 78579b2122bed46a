import { migrateToLatest, openDatabase } from '../../db/connect.ts';
import { configFrom, databaseOptions, parseCommand, type Io } from '../context.ts';

const help = `Usage: cxkpi migrate [--data-dir DIR | --database-url URL]

Applies pending database migrations under a lock (the server also does this on start).`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseCommand(args, databaseOptions);
  if (values.help) return (io.out(help), 0);
  const config = configFrom(values);
  const db = await openDatabase(config, { migrate: false });
  try {
    const applied = await migrateToLatest(db.kysely);
    io.out(applied.length ? `Applied ${applied.join(', ')}.` : 'The database is up to date.');
    return 0;
  } finally {
    await db.close();
  }
}
