import { badRequest } from '../../errors.ts';

/**
 * The formula language of custom KPIs: arithmetic over aggregates of rows and over catalog
 * metrics, for example
 *
 *   share(tickets where priority = 'urgent', first_response_minutes <= 15)
 *   0.6 * csat + 0.4 * (nps + 100) / 200
 *   sum(orders.amount where channel = 'web') / count(orders where channel = 'web')
 *
 * This module parses text into a tree and reports mistakes with their position; it knows the
 * syntax only. What names mean (entities, fields, dimensions, metrics) is resolved by compile.ts.
 */
export type Literal = string | number | boolean;

export type Condition =
  | { type: 'and' | 'or'; left: Condition; right: Condition }
  | { type: 'not'; condition: Condition }
  | { type: 'compare'; field: Name; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: Literal }
  | { type: 'in'; field: Name; values: Literal[]; negated: boolean }
  | { type: 'null'; field: Name; negated: boolean };

export interface Name {
  name: string;
  at: number;
}

export type AggregateFunction = 'count' | 'sum' | 'avg' | 'share';

export type Expr =
  | { type: 'number'; value: number }
  | { type: 'metric'; id: string; at: number }
  | { type: 'binary'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr }
  | { type: 'negate'; expr: Expr }
  | {
      type: 'aggregate';
      fn: AggregateFunction;
      entity: Name;
      /** sum and avg: the measured field. */
      field?: Name;
      where?: Condition;
      /** share: the condition whose share among the `where` rows is measured. */
      success?: Condition;
      at: number;
    };

export const MAX_FORMULA_LENGTH = 2000;

type Token =
  | { kind: 'number'; value: number; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'name'; value: string; at: number }
  | { kind: 'op'; value: string; at: number }
  | { kind: 'end'; value: ''; at: number };

/** A mistake in a formula: where (1-based character position) and what. */
export function formulaError(formula: string, at: number, message: string) {
  const excerpt = formula.slice(Math.max(0, at - 20), at + 20).replace(/\s+/g, ' ');
  return badRequest('invalid-formula', `formula, character ${at + 1}: ${message} (near "${excerpt}")`, [
    { field: 'formula', position: at + 1, reason: message },
  ]);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    const number = /^(?:\d+(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?/i.exec(text.slice(i));
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), at });
      i += number[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      // A quote inside a string is written twice: 'it''s'.
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw formulaError(text, at, 'a string is not closed');
        if (text[i] === c) {
          if (text[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: 'string', value, at });
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*/.exec(text.slice(i));
    if (name) {
      tokens.push({ kind: 'name', value: name[0], at });
      i += name[0].length;
      continue;
    }
    const op = /^(?:<=|>=|!=|<>|[-+*/(),=<>])/.exec(text.slice(i));
    if (op) {
      tokens.push({ kind: 'op', value: op[0] === '<>' ? '!=' : op[0], at });
      i += op[0].length;
      continue;
    }
    throw formulaError(text, at, `unexpected character "${c}"`);
  }
  tokens.push({ kind: 'end', value: '', at: text.length });
  return tokens;
}

const KEYWORDS = new Set(['where', 'and', 'or', 'not', 'in', 'is', 'null', 'true', 'false']);
const FUNCTIONS = new Set<string>(['count', 'sum', 'avg', 'share']);

export function parseFormula(text: string): Expr {
  if (text.length > MAX_FORMULA_LENGTH) {
    throw formulaError(text, MAX_FORMULA_LENGTH, `a formula has at most ${MAX_FORMULA_LENGTH} characters`);
  }
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const next = () => tokens[pos++]!;
  const isOp = (value: string) => peek().kind === 'op' && peek().value === value;
  const isWord = (value: string) => peek().kind === 'name' && String(peek().value).toLowerCase() === value;
  const describe = (t: Token) => (t.kind === 'end' ? 'the end of the formula' : `"${String(t.value)}"`);
  const expectOp = (value: string) => {
    if (!isOp(value)) throw formulaError(text, peek().at, `expected "${value}" but found ${describe(peek())}`);
    next();
  };

  function expression(): Expr {
    let left = term();
    while (isOp('+') || isOp('-')) {
      const op = next().value as '+' | '-';
      left = { type: 'binary', op, left, right: term() };
    }
    return left;
  }
  function term(): Expr {
    let left = factor();
    while (isOp('*') || isOp('/')) {
      const op = next().value as '*' | '/';
      left = { type: 'binary', op, left, right: factor() };
    }
    return left;
  }
  function factor(): Expr {
    const t = peek();
    if (t.kind === 'number') return (next(), { type: 'number', value: t.value });
    if (isOp('-')) return (next(), { type: 'negate', expr: factor() });
    if (isOp('(')) {
      next();
      const inner = expression();
      expectOp(')');
      return inner;
    }
    if (t.kind === 'name') {
      next();
      const word = t.value.toLowerCase();
      if (FUNCTIONS.has(word) && isOp('(')) return aggregate(word as AggregateFunction, t.at);
      if (KEYWORDS.has(word)) throw formulaError(text, t.at, `"${t.value}" cannot stand here`);
      return { type: 'metric', id: t.value, at: t.at };
    }
    throw formulaError(text, t.at, `expected a number, a metric or count/sum/avg/share(...) but found ${describe(t)}`);
  }
  function aggregate(fn: AggregateFunction, at: number): Expr {
    expectOp('(');
    const target = next();
    if (target.kind !== 'name') {
      throw formulaError(
        text,
        target.at,
        `${fn}( needs an entity such as tickets${fn === 'sum' || fn === 'avg' ? '.field' : ''}`,
      );
    }
    let entity: Name = { name: target.value, at: target.at };
    let field: Name | undefined;
    if (fn === 'sum' || fn === 'avg') {
      const dot = target.value.indexOf('.');
      if (dot < 0)
        throw formulaError(text, target.at, `${fn}( measures a field: write for example ${fn}(orders.amount)`);
      entity = { name: target.value.slice(0, dot), at: target.at };
      field = { name: target.value.slice(dot + 1), at: target.at + dot + 1 };
    } else if (target.value.includes('.')) {
      throw formulaError(
        text,
        target.at,
        `${fn}( counts rows of an entity, not a field: write ${fn}(${target.value.split('.')[0]} ...)`,
      );
    }
    let where: Condition | undefined;
    if (isWord('where')) {
      next();
      where = condition();
    }
    let success: Condition | undefined;
    if (fn === 'share') {
      if (!isOp(',')) {
        throw formulaError(
          text,
          peek().at,
          'share( needs the condition to measure after a comma: share(tickets, reopen_count = 0)',
        );
      }
      next();
      success = condition();
    }
    expectOp(')');
    return { type: 'aggregate', fn, entity, field, where, success, at };
  }

  function condition(): Condition {
    let left = conjunction();
    while (isWord('or')) {
      next();
      left = { type: 'or', left, right: conjunction() };
    }
    return left;
  }
  function conjunction(): Condition {
    let left = negation();
    while (isWord('and')) {
      next();
      left = { type: 'and', left, right: negation() };
    }
    return left;
  }
  function negation(): Condition {
    if (isWord('not')) {
      next();
      return { type: 'not', condition: negation() };
    }
    if (isOp('(')) {
      next();
      const inner = condition();
      expectOp(')');
      return inner;
    }
    return comparison();
  }
  function literal(): Literal {
    const t = next();
    if (t.kind === 'number' || t.kind === 'string') return t.value;
    if (t.kind === 'op' && t.value === '-' && peek().kind === 'number') return -(next() as { value: number }).value;
    if (t.kind === 'name' && ['true', 'false'].includes(t.value.toLowerCase())) return t.value.toLowerCase() === 'true';
    throw formulaError(text, t.at, `expected a value ('text', a number, true or false) but found ${describe(t)}`);
  }
  function comparison(): Condition {
    const t = next();
    if (t.kind !== 'name' || KEYWORDS.has(t.value.toLowerCase())) {
      throw formulaError(text, t.at, `expected a field or dimension but found ${describe(t)}`);
    }
    const field: Name = { name: t.value, at: t.at };
    if (isWord('is')) {
      next();
      const negated = isWord('not') ? (next(), true) : false;
      if (!isWord('null'))
        throw formulaError(text, peek().at, `expected "null" after "is" but found ${describe(peek())}`);
      next();
      return { type: 'null', field, negated };
    }
    const negatedIn = isWord('not') ? (next(), true) : false;
    if (isWord('in')) {
      next();
      expectOp('(');
      const values = [literal()];
      while (isOp(',')) {
        next();
        values.push(literal());
      }
      expectOp(')');
      return { type: 'in', field, values, negated: negatedIn };
    }
    if (negatedIn) throw formulaError(text, peek().at, `expected "in" after "not" but found ${describe(peek())}`);
    const op = peek();
    if (op.kind !== 'op' || !['=', '!=', '<', '<=', '>', '>='].includes(op.value)) {
      throw formulaError(
        text,
        op.at,
        `expected a comparison (=, !=, <, <=, >, >=, in, is null) but found ${describe(op)}`,
      );
    }
    next();
    return { type: 'compare', field, op: op.value as '=', value: literal() };
  }

  const tree = expression();
  if (peek().kind !== 'end') throw formulaError(text, peek().at, `unexpected ${describe(peek())}`);
  return tree;
}
