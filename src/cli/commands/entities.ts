import { listEntities } from '../../ingest/index.ts';
import { parseCommand, type Io } from '../context.ts';

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseCommand(args, { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) return (io.out('Usage: cxkpi entities [--format table|json]'), 0);
  const entities = listEntities();
  if (values.format === 'json') {
    io.out(
      JSON.stringify(
        entities.map((e) => ({ name: e.name, description: e.description, key: e.key, fields: e.fields })),
        null,
        2,
      ),
    );
    return 0;
  }
  for (const entity of entities) {
    const fields = entity.fields.map((f) => (f.required ? `${f.name}*` : f.name));
    io.out(`${entity.name.padEnd(17)} ${fields.join(', ')}`);
  }
  io.out('\n* required. Custom fields: attributes.<name> columns or an attributes JSON object.');
  return 0;
}
