// Builds the Offers app for a test file: its own database and signing keys, every response checked against its schema.
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import { sql } from 'kysely'
import { createDb, parseJwks, type App } from '@app/service-kit'
import {
  claims, createTestDatabase, enforceConformance, makeTestKeys, signToken, type ClaimOptions, type ConformanceFailure,
  type TestDatabase, type TestKeys
} from '@app/testing'
import { buildApp } from '../src/app.ts'
import { loadOffersSettings, type OffersConfig } from '../src/config.ts'

interface TapLike { teardown: (fn: () => unknown) => void }

export interface OffersHarness {
  app: App
  db: TestDatabase
  keys: TestKeys
  /** responses that broke their declared schema; a test file ends by checking it is empty */
  failures: ConformanceFailure[]
  token: (userId: number, opts?: Omit<ClaimOptions, 'userId'>) => string
  /** a users.users row, inserted as the users role, as the Users service would */
  createUser: () => Promise<number>
  deleteUser: (id: number) => Promise<void>
}

export function offersConfig (
  databaseUrl: string, keys: TestKeys, overrides: Partial<OffersConfig> = {}
): OffersConfig {
  return {
    ...loadOffersSettings({ APP_SETTINGS: 'testing', DATABASE_URL: databaseUrl }),
    publicKeys: parseJwks(JSON.stringify({ keys: keys.publicKeys })),
    ...overrides
  }
}

export async function buildTestApp (
  t: TapLike, config: OffersConfig
): Promise<{ app: App, failures: ConformanceFailure[] }> {
  const app = await buildApp(config)
  const failures = enforceConformance(app)
  t.teardown(() => app.close())
  return { app, failures }
}

export async function offersHarness (t: TapLike, overrides: Partial<OffersConfig> = {}): Promise<OffersHarness> {
  const db = await createTestDatabase(t)
  const keys = makeTestKeys()
  const { app, failures } = await buildTestApp(t, offersConfig(db.offersUrl, keys, overrides))
  const asUsers = createDb<unknown>({ url: db.usersUrl, max: 2 })
  t.teardown(() => asUsers.destroy())
  return {
    app,
    db,
    keys,
    failures,
    token: (userId, opts = {}) => signToken(keys, claims({ userId, ...opts })),
    async createUser () {
      const name = `u_${randomBytes(8).toString('hex')}`
      const { rows } = await sql<{ id: number }>`
        insert into users.users (username, email, password_hash)
        values (${name}, ${`${name}@example.com`}, 'not-a-hash')
        returning id`.execute(asUsers)
      return rows[0]!.id
    },
    async deleteUser (id) {
      await sql`delete from users.users where id = ${id}`.execute(asUsers)
    }
  }
}

/** Listens on 127.0.0.1, port 0, and answers the base URL. */
export async function listen (app: App): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  return `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort (): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  return port
}
