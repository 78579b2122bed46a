import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { AppError } from '../../errors.ts';
import { compileFormula, evaluateFormula } from './compile.ts';
import { parseFormula } from './formula.ts';

/** The message of the error a formula gives, or undefined when it compiles. */
function mistake(formula: string): { message: string; position: number } | undefined {
  try {
    compileFormula(formula);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, 'invalid-formula');
    const [detail] = error.details as Array<{ position: number }>;
    return { message: error.message, position: detail!.position };
  }
}

describe('custom KPI formulas', () => {
  test('arithmetic follows precedence and parentheses', () => {
    const value = (formula: string) =>
      evaluateFormula(compileFormula(formula), { aggregate: () => undefined, metric: () => null });
    assert.equal(value('1 + 2 * 3'), 7);
    assert.equal(value('(1 + 2) * 3'), 9);
    assert.equal(value('10 / 4 - -1'), 3.5);
    assert.equal(value('2 / (1 - 1)'), null, 'division by zero has no value');
    assert.equal(value('1e3 * .5'), 500);
  });

  test('aggregates and metrics combine; a missing part makes the value null', () => {
    const compiled = compileFormula(
      "share(tickets where priority = 'urgent', first_response_minutes <= 15) * 100 + csat - avg(orders.amount)",
    );
    assert.deepEqual(
      compiled.aggregates.map((a) => [a.alias, a.entity, a.node.fn]),
      [
        ['a0', 'tickets', 'share'],
        ['a1', 'orders', 'avg'],
      ],
    );
    assert.deepEqual(compiled.metrics, ['csat']);
    const parts: Record<string, Record<string, unknown>> = { a0: { n: 20, k: 5 }, a1: { n: 4, s: 10 } };
    const inputs = { aggregate: (alias: string) => parts[alias], metric: () => 0.8 };
    assert.equal(evaluateFormula(compiled, inputs), 25 + 0.8 - 2.5);
    assert.equal(evaluateFormula(compiled, { ...inputs, metric: () => null }), null);
    assert.equal(evaluateFormula(compiled, { ...inputs, aggregate: () => undefined }), null, 'share of no rows');
    const counted = compileFormula('count(tickets where channel in (\'phone\', "chat")) + sum(orders.amount)');
    assert.equal(evaluateFormula(counted, { aggregate: () => undefined, metric: () => null }), 0, 'no rows: 0');
  });

  test('conditions: and/or/not, in, is null, numbers, booleans, attributes and related fields', () => {
    const compiled = compileFormula(
      "count(tickets where (customer.segment = 'smb' or attributes.region not in ('north', 'it''s')) " +
        'and not first_response_by_bot = true and resolved_at is not null and reopen_count >= -1)',
    );
    assert.deepEqual([...compiled.aggregates[0]!.joins], ['customer']);
  });

  test('mistakes name the character and what is wrong', () => {
    const cases: Array<[string, RegExp, number]> = [
      ["share(tickets where priority = 'urgent' first_response_minutes <= 15)", /share\( needs the condition/, 41],
      ['count(ticket)', /"ticket" is not an entity/, 7],
      ['sum(tickets)', /sum\( measures a field/, 5],
      ['avg(tickets.speed)', /tickets has no number field "speed"/, 13],
      ["count(tickets where speed = 'x')", /tickets has no field "speed" and no such dimension/, 21],
      ['count(tickets where priority > 3)', /priority is text/, 21],
      ["count(tickets where reopen_count = 'x')", /reopen_count is a number/, 21],
      ['count(tickets where resolved_at = 1)', /resolved_at is a time/, 21],
      ['nps_score * 2', /there is no catalog metric "nps_score"/, 1],
      ['attribute_rating + 1', /one series per attribute/, 1],
      ['1 +', /expected a number, a metric or count\/sum\/avg\/share/, 4],
      ["count(tickets where channel = 'email)", /a string is not closed/, 31],
      ['count(tickets where channel = email)', /expected a value/, 31],
      ['2 # 3', /unexpected character "#"/, 3],
      ['(1 + 2', /expected "\)" but found the end of the formula/, 7],
      ['1 2', /unexpected "2"/, 3],
    ];
    for (const [formula, message, position] of cases) {
      const found = mistake(formula);
      assert.ok(found, `${formula} should not compile`);
      assert.match(found.message, message, formula);
      assert.equal(found.position, position, `${formula}: ${found.message}`);
    }
    assert.match(mistake('1'.repeat(2001))!.message, /at most 2000 characters/);
  });

  test('values never become SQL text: they are parameters', () => {
    const compiled = compileFormula("count(tickets where channel = 'x''); drop table ticket; --')");
    const parts = compiled.aggregates[0]!.select.map((s) => s.compile(compiler));
    assert.ok(parts.every((p) => !p.sql.includes('drop table')));
    assert.deepEqual(parts[0]!.parameters, ["x'); drop table ticket; --"]);
    assert.equal(parseFormula('  csat ').type, 'metric');
  });
});

// A Kysely instance that only compiles (no database), to see the SQL text and its parameters.
const compiler = new Kysely<never>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
