// Builds the Users app for a test file: the file's own database, test keys, bcrypt cost 4, conformance enforced.
import {
  createTestDatabase, enforceConformance, makeTestKeys, testTls, type TestDatabase, type TestKeys
} from '@app/testing'
import { createDb, parseJwks, type App } from '@app/service-kit'
import type { Generated, Kysely } from 'kysely'
import { buildApp } from '../../src/app.ts'
import { loadUsersSettings, type UsersConfig } from '../../src/config.ts'
import type { DB } from '../../src/db/types.ts'

export interface Tap { teardown: (fn: () => unknown) => void }

export interface TestApp { app: App, config: UsersConfig }

/** Generous limits unless a test sets them: most files log in a lot from one address. */
export function testConfig (db: TestDatabase, keys: TestKeys, env: Record<string, string> = {}): UsersConfig {
  const settings = loadUsersSettings({
    APP_SETTINGS: 'testing',
    DATABASE_URL: db.usersUrl,
    LOGIN_MAX_PER_IP_PER_MINUTE: '100000',
    LOGIN_MAX_FAILURES: '100000',
    LOGIN_MAX_FAILURES_PER_USERNAME: '100000',
    REGISTER_MAX_PER_IP_PER_HOUR: '100000',
    PASSWORD_CHANGE_MAX_PER_IP_PER_HOUR: '100000',
    ...env
  })
  return {
    ...settings,
    offersCa: testTls('offers').ca,
    signingKey: keys.signingKey,
    publicKeys: parseJwks(JSON.stringify({ keys: keys.publicKeys }))
  }
}

export interface BuildOptions {
  db: TestDatabase
  keys?: TestKeys
  env?: Record<string, string>
  config?: Partial<UsersConfig>
}

export async function buildTestApp (t: Tap, opts: BuildOptions): Promise<TestApp> {
  const config = { ...testConfig(opts.db, opts.keys ?? makeTestKeys(), opts.env), ...opts.config }
  // the real Offers client from the config (OFFERS_URL, offersCa, OFFERS_TIMEOUT_MS)
  const app = await buildApp(config)
  // a response that breaks its declared schema becomes a 500, so the test that made the call fails
  enforceConformance(app)
  t.teardown(() => app.close())
  return { app, config }
}

/** One database and one app for a whole test file. */
export async function setup (
  t: Tap, opts: Omit<BuildOptions, 'db'> = {}
): Promise<TestApp & { db: TestDatabase, keys: TestKeys }> {
  const db = await createTestDatabase(t)
  const keys = opts.keys ?? makeTestKeys()
  return { ...await buildTestApp(t, { ...opts, db, keys }), db, keys }
}

/** A superuser handle on the file's database, for setting up and checking rows behind the API's back. */
export function superuserDb (t: Tap, db: TestDatabase): Kysely<DB & { 'offers.offers': OffersRow }> {
  const handle = createDb<DB & { 'offers.offers': OffersRow }>({ url: db.adminUrl, max: 2 })
  t.teardown(() => handle.destroy())
  return handle
}

interface OffersRow { id: Generated<number>, user_id: number, title: string, text: string }
