// Reads what PostgreSQL says about a failed statement, without leaking its text anywhere.

/** The name of the unique constraint or index a statement violated, if that is why it failed. */
export function violatedUnique (err: unknown): string | undefined {
  const pg = err as { code?: unknown, constraint?: unknown } | null
  return pg?.code === '23505' && typeof pg.constraint === 'string' ? pg.constraint : undefined
}
