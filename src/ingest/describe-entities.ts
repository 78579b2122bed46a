import { listEntities, type FieldDef } from './entities.ts';

/** The field reference of docs/data-model.md, generated from the entity declarations. */
export function describeEntities(): string {
  const parts: string[] = [];
  for (const entity of listEntities()) {
    parts.push(`### \`${entity.name}\``, '', entity.description, '');
    parts.push(
      `Key: ${entity.key.map((k) => `\`${k}\``).join(' + ')}${entity.timeField ? `; time field: \`${entity.timeField}\`` : ''}.`,
    );
    if (entity.money) {
      parts.push(
        `\`${entity.money.amount}\` is converted to the reporting currency (stored as \`${entity.money.reporting}\`) with the rate of the local date of \`${entity.money.dateField}\`.`,
      );
    }
    parts.push('', '| field | type | required | default | notes |', '|---|---|---|---|---|');
    for (const field of entity.fields) {
      parts.push(
        `| \`${field.name}\` | ${describeType(field)} | ${field.required ? 'yes' : ''} | ${field.default !== undefined ? `\`${String(field.default)}\`` : ''} | ${field.description ?? ''} |`,
      );
    }
    parts.push('');
  }
  return parts.join('\n');
}

function describeType(field: FieldDef): string {
  const type = field.type;
  switch (type.kind) {
    case 'id':
      return 'id (text, at most 200 characters)';
    case 'text':
      return `text${type.max ? ` (at most ${type.max})` : ''}`;
    case 'enum':
      return `one of ${type.values.map((v) => `\`${v}\``).join(', ')}`;
    case 'int':
      return `whole number${type.min !== undefined ? ` >= ${type.min}` : ''}`;
    case 'decimal':
      return `decimal${type.min !== undefined ? (type.exclusiveMin ? ` > ${type.min}` : ` >= ${type.min}`) : ''}`;
    case 'bool':
      return 'true/false';
    case 'timestamp':
      return 'ISO 8601 timestamp';
    case 'date':
      return 'date `YYYY-MM-DD`';
    case 'currency':
      return 'ISO 4217 code';
    case 'list':
      return 'list (`a|b|c` in CSV)';
    case 'ratings':
      return 'object: attribute -> 1-5';
    case 'attributes':
      return 'object of text, number, true/false';
  }
}
