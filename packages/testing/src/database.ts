// A database of its own for each test file: CREATE DATABASE … TEMPLATE the migrated template, dropped at the end.
import { randomBytes } from 'node:crypto'
import { adminDb, serviceUrl, withCredentials } from '@app/migrator'
import { sql } from 'kysely'
import { readState, TEMPLATE_DB } from './state.ts'

export interface TestDatabase {
  name: string
  /** superuser URL of this database, for test setup and assertions only */
  adminUrl: string
  usersUrl: string
  offersUrl: string
}

interface Teardown { teardown: (fn: () => Promise<void>) => void }

export async function createTestDatabase (t: Teardown): Promise<TestDatabase> {
  const state = readState()
  const name = `t_${randomBytes(6).toString('hex')}`
  const admin = adminDb(state.adminUrl, 1)
  for (let attempt = 0; ; attempt++) {
    try {
      await sql`create database ${sql.id(name)} template ${sql.id(TEMPLATE_DB)}`.execute(admin)
      break
    } catch (err) {
      // two files cloning the template at once: "source database is being accessed by other users"
      if ((err as { code?: string }).code !== '55006' || attempt > 20) throw err
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200))
    }
  }
  t.teardown(async () => {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
    await admin.destroy()
  })
  const u = new URL(state.adminUrl)
  return {
    name,
    adminUrl: withCredentials(state.adminUrl, decodeURIComponent(u.username), decodeURIComponent(u.password), name),
    usersUrl: serviceUrl(state.adminUrl, name, {
      role: 'users_svc',
      schema: 'users',
      password: state.passwords.users_svc
    }),
    offersUrl: serviceUrl(state.adminUrl, name, {
      role: 'offers_svc',
      schema: 'offers',
      password: state.passwords.offers_svc
    })
  }
}
