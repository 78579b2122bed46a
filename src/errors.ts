/**
 * The one error type the doors (HTTP, CLI) know how to render: an HTTP status, a stable
 * kebab-case code, a message that says what was wrong and what to do, and optional details
 * (for input errors: the line, field and reason of each problem).
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const notFound = (code: string, message: string) => new AppError(404, code, message);

/** A 400 from failed schema validation: each problem's field (or `whole`) and reason. */
export function invalidInput(
  code: string,
  issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>,
  whole: string,
) {
  const details = issues.map((i) => ({ field: i.path.map(String).join('.') || whole, reason: i.message }));
  return badRequest(code, details.map((d) => `${d.field}: ${d.reason}`).join('; '), details);
}

/** PostgreSQL SQLSTATE codes the application maps to user-facing errors. */
const pgErrors: Record<string, { status: number; code: string; message: string }> = {
  '23505': { status: 409, code: 'conflict', message: 'A record with the same key already exists.' },
  '23503': { status: 409, code: 'reference-missing', message: 'A referenced record does not exist.' },
  '22P02': { status: 400, code: 'invalid-value', message: 'A value has the wrong type.' },
  '22003': { status: 400, code: 'value-out-of-range', message: 'A number is out of range.' },
  '22007': { status: 400, code: 'invalid-value', message: 'A date or time is not valid.' },
  '22008': { status: 400, code: 'value-out-of-range', message: 'A date or time is out of range.' },
  // Text PostgreSQL cannot store: a NUL character, or (in JSON) an escape it cannot convert.
  '22021': {
    status: 400,
    code: 'invalid-text',
    message: 'A value contains a NUL character or bytes that are not UTF-8.',
  },
  '22P05': {
    status: 400,
    code: 'invalid-text',
    message: 'A value contains a character the database cannot store (such as \\u0000).',
  },
  '57014': { status: 503, code: 'query-cancelled', message: 'The query took too long and was cancelled.' },
  '53300': { status: 503, code: 'database-busy', message: 'The database has no free connections; try again.' },
};

/** Turns any thrown value into an AppError, mapping database errors centrally. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && pgErrors[code]) {
    const known = pgErrors[code];
    return new AppError(known.status, known.code, known.message, {
      database: (error as Error).message,
    });
  }
  return new AppError(500, 'internal-error', 'Something went wrong on the server; see its log.');
}
