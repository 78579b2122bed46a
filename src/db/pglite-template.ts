import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Migration } from 'kysely';

/**
 * A new embedded database starts from a template instead of running initdb: PGlite's initdb
 * takes seconds (3-10 s on a busy 2-core machine), loading a dump of a freshly initialised and
 * migrated cluster takes about a tenth of that. The template is made once per machine (by
 * `npm install`'s build step, or by the first new database) and kept in
 * node_modules/.cache/cxkpi/. Its name carries the PGlite version and a hash of the migrations'
 * sources, so another PGlite or a changed migration never loads an old template; migrations added
 * since are applied on top as for any database.
 */

const root = path.resolve(import.meta.dirname, '../..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'cxkpi');

function pgliteVersion(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

export function templateFile(migrations: Record<string, Migration>): string {
  const hash = createHash('sha256');
  for (const [name, migration] of Object.entries(migrations)) {
    // The source file when it is there (a clone, or the package, which ships src/), else the code.
    const source = path.join(root, 'src', 'db', 'migrations', `${name}.ts`);
    hash.update(name).update(fs.existsSync(source) ? fs.readFileSync(source) : String(migration.up));
  }
  return path.join(cacheDir, `pglite-${pgliteVersion()}-${hash.digest('hex').slice(0, 16)}.tar.gz`);
}

export function readTemplate(file: string): Blob | undefined {
  try {
    return new Blob([fs.readFileSync(file)]);
  } catch {
    return undefined;
  }
}

/** Stores a new, just migrated database as the template (best effort: a read-only install skips it). */
export async function saveTemplate(pglite: PGlite, file: string): Promise<void> {
  try {
    const dump = Buffer.from(await (await pglite.dumpDataDir('gzip')).arrayBuffer());
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Another process may be writing the same template: each writes its own file and renames it.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, dump);
    fs.renameSync(partial, file);
    // Templates of older PGlite versions or migrations are of no further use.
    for (const name of fs.readdirSync(cacheDir)) {
      if (name.startsWith('pglite-') && name.endsWith('.tar.gz') && path.join(cacheDir, name) !== file)
        fs.rmSync(path.join(cacheDir, name), { force: true });
    }
  } catch {
    // No template: the next new database runs initdb again.
  }
}
