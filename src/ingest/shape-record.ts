import { badRequest } from '../errors.ts';
import type { EntityDef } from './entities.ts';
import { Invalid, isBlank, parseAttributes, parseRatings, parseValue, type ParseContext } from './fields.ts';

/**
 * Turns source records (a CSV row under its header, a JSON object) into validated rows of an
 * entity: applies the column mapping (`--map source=field`, `--set field=value`), folds flattened
 * `attributes.x` and `ratings.x` columns into their objects, parses every field and runs the
 * entity's cross-field rules.
 */
export interface FieldProblem {
  field: string;
  reason: string;
}

export interface MappingOptions {
  /** Source column or key -> field, `attributes.name`, `ratings.name`, or `-` to drop it. */
  map?: Record<string, string>;
  /** Field -> constant value for every record; replaces whatever the file holds. */
  set?: Record<string, string>;
  /**
   * What a column that is neither mapped nor a field name becomes: an error that says how to map
   * it (the default), or a custom attribute named after it (presets: never dropped silently).
   */
  unknownColumns?: 'reject' | 'attributes';
}

type Target =
  | { kind: 'field'; name: string }
  | { kind: 'nested'; object: 'attributes' | 'ratings'; key: string }
  | { kind: 'drop' };

export interface ShapedRecord {
  row?: Record<string, unknown>;
  errors: FieldProblem[];
}

export class RecordShaper {
  private readonly targets = new Map<string, Target | FieldProblem>();
  private readonly fieldNames: Set<string>;
  private readonly constants: Array<[string, string]>;
  private readonly keepUnknown: boolean;

  constructor(
    readonly entity: EntityDef,
    readonly ctx: ParseContext,
    options: MappingOptions = {},
  ) {
    this.fieldNames = new Set(entity.fields.map((field) => field.name));
    this.keepUnknown = options.unknownColumns === 'attributes' && this.fieldNames.has('attributes');
    const problems: string[] = [];
    for (const [source, target] of Object.entries(options.map ?? {})) {
      const resolved = this.resolveTarget(target);
      if ('reason' in resolved) problems.push(`--map ${source}=${target}: ${resolved.reason}`);
      else this.targets.set(source, resolved);
    }
    this.constants = Object.entries(options.set ?? {});
    for (const [field] of this.constants) {
      if (!this.fieldNames.has(field)) problems.push(`--set ${field}: ${entity.name} has no field ${field}`);
    }
    if (problems.length) {
      throw badRequest('invalid-mapping', problems.join('; '), { fields: this.entity.fields.map((f) => f.name) });
    }
  }

  private resolveTarget(target: string): Target | FieldProblem {
    if (target === '-' || target === '') return { kind: 'drop' };
    const nested = /^(attributes|ratings)\.(.+)$/.exec(target);
    if (nested && this.fieldNames.has(nested[1]!)) {
      return { kind: 'nested', object: nested[1] as 'attributes' | 'ratings', key: nested[2]! };
    }
    if (this.fieldNames.has(target)) return { kind: 'field', name: target };
    return { field: target, reason: `${this.entity.name} has no field "${target}"` };
  }

  /** How a source column or key is read; unknown ones are an error that says how to map them. */
  target(source: string): Target | FieldProblem {
    let target = this.targets.get(source);
    if (target) return target;
    const normalized = source.trim();
    const direct = this.resolveTarget(normalized);
    if (!('reason' in direct)) {
      target = direct;
    } else {
      const lower = normalized.toLowerCase();
      const insensitive = [...this.fieldNames].find((name) => name === lower);
      target = insensitive
        ? { kind: 'field', name: insensitive }
        : this.keepUnknown
          ? { kind: 'nested', object: 'attributes', key: slug(source) }
          : {
              field: source,
              reason:
                `unknown column "${source}" for ${this.entity.name}: map it to a field with --map "${source}=field", ` +
                `keep it as a custom attribute with --map "${source}=attributes.${slug(source)}", or drop it with --map "${source}=-"`,
            };
    }
    this.targets.set(source, target);
    return target;
  }

  /** Problems with a CSV header, found before any row is read. */
  checkColumns(columns: string[]): FieldProblem[] {
    const problems: FieldProblem[] = [];
    const seen = new Map<string, string>();
    for (const column of columns) {
      const target = this.target(column);
      if ('reason' in target) {
        problems.push(target);
        continue;
      }
      const name =
        target.kind === 'field' ? target.name : target.kind === 'nested' ? `${target.object}.${target.key}` : '';
      if (!name) continue;
      const other = seen.get(name);
      if (other !== undefined)
        problems.push({ field: column, reason: `columns "${other}" and "${column}" both map to ${name}` });
      seen.set(name, column);
    }
    return problems;
  }

  shape(source: Record<string, unknown>): ShapedRecord {
    const errors: FieldProblem[] = [];
    const values: Record<string, unknown> = {};
    let extras: { attributes?: Record<string, unknown>; ratings?: Record<string, unknown> } | undefined;
    for (const key in source) {
      const target = this.target(key);
      if ('reason' in target) {
        errors.push(target);
      } else if (target.kind === 'field') {
        values[target.name] = source[key];
      } else if (target.kind === 'nested') {
        const value = source[key];
        if (isBlank(value)) continue;
        extras ??= {};
        (extras[target.object] ??= {})[target.key] = value;
      }
    }
    for (const [field, value] of this.constants) values[field] = value;

    const row: Record<string, unknown> = {};
    for (const field of this.entity.fields) {
      const raw = values[field.name];
      if (isBlank(raw)) {
        if (field.required) errors.push({ field: field.name, reason: 'is required' });
        else if (field.default !== undefined) row[field.name] = field.default;
        continue;
      }
      const value = parseValue(field.type, raw, this.ctx);
      if (value instanceof Invalid) errors.push({ field: field.name, reason: value.reason });
      else row[field.name] = value;
    }
    if (extras) this.mergeExtras(row, extras, errors);
    if (errors.length) return { errors };
    if (this.entity.check) {
      const problems = this.entity.check(row);
      if (problems.length) return { errors: problems };
    }
    this.entity.derived?.compute(row);
    return { row, errors };
  }

  private mergeExtras(
    row: Record<string, unknown>,
    extras: { attributes?: Record<string, unknown>; ratings?: Record<string, unknown> },
    errors: FieldProblem[],
  ) {
    if (extras.attributes) {
      const parsed = parseAttributes(extras.attributes);
      if (parsed instanceof Invalid) errors.push({ field: 'attributes', reason: parsed.reason });
      else row.attributes = { ...(row.attributes as object | undefined), ...parsed };
    }
    if (extras.ratings) {
      const parsed = parseRatings(extras.ratings);
      if (parsed instanceof Invalid) errors.push({ field: 'ratings', reason: parsed.reason });
      else row.ratings = { ...(row.ratings as object | undefined), ...parsed };
    }
  }
}

function slug(text: string): string {
  return (
    text
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 64) || 'field'
  );
}
