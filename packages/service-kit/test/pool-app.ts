// A service app for the pool tests: its pool reports to a list of lines, and one route reads the database.
import { sql } from 'kysely'
import { makeTestKeys } from '@app/testing'
import { createServiceApp, type DbOptions } from '../src/index.ts'

const keys = makeTestKeys()

export interface Line { level: 'warn' | 'info', msg: string, details: object }

/** A service app whose pool reports to `lines`, with one route that reads the database. */
export async function poolApp (t: Tap, database: DbOptions, lines: Line[] = []) {
  const app = await createServiceApp({
    logLevel: 'silent',
    database: {
      ...database,
      log: {
        warn: (details, msg) => lines.push({ level: 'warn', msg, details }),
        info: (details, msg) => lines.push({ level: 'info', msg, details })
      }
    },
    auth: { publicKeys: keys.publicKeys, issuer: 'users-service', audience: 'classifieds', maxAgeSeconds: 900 },
    docs: { title: 'test', version: '0.0.0', description: 'test', tags: [] }
  })
  app.get('/query', async () => (await sql<{ one: number }>`select 1 as one`.execute(app.db)).rows[0])
  t.teardown(() => app.close())
  await app.ready()
  return app
}

export interface Tap { teardown: (fn: () => unknown) => void }
