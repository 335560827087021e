// SQL on <schema>.idempotency_keys (the same table in each service's own schema): reserve a key atomically, read
// it, store its answer, release it, and sweep expired rows in batches.
import { sql, type ColumnType, type Generated, type Kysely } from 'kysely'
import type { ServiceTables } from './database.ts'

export type IdempotencyStatus = 'in_flight' | 'done'

export interface IdempotencyKeysTable {
  id: Generated<number>
  /** whose key it is: `user:<id>`, `ip:<address>` */
  scope: string
  key: string
  /** SHA-256 (or HMAC-SHA-256) of the method, route and canonical body: never the body itself */
  fingerprint: Buffer
  status: IdempotencyStatus
  /** the owner of an in-flight key; a completion or release by anyone else changes nothing */
  lock_id: string | null
  locked_at: Date | null
  response_status: number | null
  response_type: string | null
  response_body: string | null
  created_at: ColumnType<Date, Date | string | undefined, Date | string>
  expires_at: ColumnType<Date, Date | string, Date | string>
}

/** How each service names the table in its DB interface. */
export type IdempotencyTables = { idempotency_keys: IdempotencyKeysTable }

export interface Reservation { id: number, lockId: string }

export type StoredKey = Pick<IdempotencyKeysTable, 'status' | 'fingerprint' | 'response_status' | 'response_type' |
'response_body'> & { locked_at: Date | null }

export interface StoredAnswer { status: number, type: string, body: string }

/** The service's Kysely (or a transaction of it) seeing `<schema>.idempotency_keys` as `idempotency_keys`. */
export type IdempotencyDb = Kysely<ServiceTables & IdempotencyTables>

export function idempotencyDb (db: Kysely<ServiceTables>, schema: string): IdempotencyDb {
  return db.withSchema(schema).withTables<IdempotencyTables>()
}

export interface NewKey { scope: string, key: string, fingerprint: Buffer, lockId: string, ttlSeconds: number }

/**
 * Takes the key in one statement: a new key is inserted; an expired one, or one left in flight longer than
 * `lockTimeoutMs` by a process that died (same fingerprint), is taken over. Anything else: undefined, nothing changed.
 */
export async function reserveKey (
  db: IdempotencyDb, { scope, key, fingerprint, lockId, ttlSeconds }: NewKey, lockTimeoutMs: number
): Promise<Reservation | undefined> {
  const expiresAt = sql<Date>`now() + make_interval(secs => ${ttlSeconds})`
  const row = await db.insertInto('idempotency_keys')
    .values({
      scope, key, fingerprint, status: 'in_flight', lock_id: lockId, locked_at: sql`now()`, expires_at: expiresAt
    })
    .onConflict((oc) => oc.columns(['scope', 'key'])
      .doUpdateSet({
        fingerprint,
        status: 'in_flight',
        lock_id: lockId,
        locked_at: sql`now()`,
        created_at: sql`now()`,
        expires_at: expiresAt,
        response_status: null,
        response_type: null,
        response_body: null
      })
      .where((eb) => eb.or([
        eb('idempotency_keys.expires_at', '<=', sql<Date>`now()`),
        eb.and([
          eb('idempotency_keys.status', '=', 'in_flight'),
          eb('idempotency_keys.fingerprint', '=', fingerprint),
          eb('idempotency_keys.locked_at', '<', sql<Date>`now() - make_interval(secs => ${lockTimeoutMs / 1000})`)
        ])
      ])))
    .returning(['id', 'lock_id'])
    .executeTakeFirst()
  return row ? { id: row.id, lockId } : undefined
}

/** The key as stored, if it has not expired. */
export function findKey (db: IdempotencyDb, scope: string, key: string): Promise<StoredKey | undefined> {
  return db.selectFrom('idempotency_keys')
    .select(['status', 'fingerprint', 'locked_at', 'response_status', 'response_type', 'response_body'])
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst()
}

/** Stores the answer of a reserved key; false when the reservation was lost (taken over as abandoned). */
export async function completeKey (
  db: IdempotencyDb, { id, lockId }: Reservation, answer: StoredAnswer
): Promise<boolean> {
  const result = await db.updateTable('idempotency_keys')
    .set({
      status: 'done',
      lock_id: null,
      locked_at: null,
      response_status: answer.status,
      response_type: answer.type,
      response_body: answer.body
    })
    .where('id', '=', id)
    .where('lock_id', '=', lockId)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Gives the key up, so that a retry runs the request again. */
export async function releaseKey (db: IdempotencyDb, { id, lockId }: Reservation): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('id', '=', id).where('lock_id', '=', lockId).execute()
}

/**
 * Deletes up to `batchSize` expired rows in one short statement; rows another sweeper holds are skipped rather
 * than waited for. Answers how many went.
 */
export async function sweepBatch (db: IdempotencyDb, batchSize: number): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys')
    .where('id', 'in', (eb) => eb.selectFrom('idempotency_keys')
      .select('id')
      .where('expires_at', '<=', sql<Date>`now()`)
      .limit(batchSize)
      .forUpdate()
      .skipLocked())
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/**
 * The table and its indexes as first made, for each service's own migration: never edited (V1); a change is a new
 * function and a new migration, so that new databases and upgraded ones get the same table.
 */
export async function createIdempotencyKeysTableV1 (db: Kysely<unknown>, schema: string): Promise<void> {
  const s = db.schema.withSchema(schema)
  await s.createTable('idempotency_keys')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull().check(sql`char_length(key) between 1 and 255`))
    .addColumn('fingerprint', 'bytea', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('in_flight', 'done')`))
    .addColumn('lock_id', 'uuid')
    .addColumn('locked_at', 'timestamptz')
    .addColumn('response_status', 'smallint')
    .addColumn('response_type', 'text')
    .addColumn('response_body', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('idempotency_keys_scope_key_key', ['scope', 'key'])
    .addCheckConstraint('idempotency_keys_done_has_answer',
      sql`status = 'in_flight' or (response_status is not null and response_body is not null)`)
    .execute()
  // the sweeper's range scan
  await s.createIndex('idempotency_keys_expires_at_idx').on('idempotency_keys').column('expires_at').execute()
}
