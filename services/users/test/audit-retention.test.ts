// Audit storage: retention removes only old events, in batches, skipping rows others hold; the timer sweeps on its
// own; the settings refuse bad values; an event and its change commit together or not at all.
import t from 'tap'
import { sql } from 'kysely'
import { ConfigError } from '@app/service-kit'
import { loadUsersSettings } from '../src/config.ts'
import { buildTestApp, setup, superuserDb } from './helpers/app.ts'
import { login, session } from './helpers/users.ts'

const { app, db, keys } = await setup(t, { env: { AUDIT_RETENTION_DAYS: '30', AUDIT_SWEEP_BATCH: '4' } })
const admin = superuserDb(t, db)

/** `n` events of a made-up user, `days` old */
async function aged (userId: number, n: number, days: number) {
  await admin.insertInto('users.audit_events').values(Array.from({ length: n }, () => ({
    type: 'login_failed' as const,
    user_id: userId,
    at: sql<Date>`now() - make_interval(days => ${days})`,
    detail: JSON.stringify({ reason: 'wrong_password' })
  }))).execute()
}
const count = async (userId: number) => Number((await admin.selectFrom('users.audit_events')
  .select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow()).n)

t.test('a sweep removes every event older than the retention, in batches, and nothing newer', async (t) => {
  await aged(900_001, 10, 31)
  await aged(900_001, 3, 29)
  const removed = await app.auditRetention.sweep()
  t.ok(removed >= 10, `removed ${removed} (batches of 4)`)
  t.equal(await count(900_001), 3, 'the 29-day-old events stay')
  t.equal(await app.auditRetention.sweep(), 0, 'nothing left to remove')
})

t.test('rows another transaction holds are skipped, not waited for', async (t) => {
  await aged(900_002, 2, 40)
  const held = await admin.selectFrom('users.audit_events').select('id').where('user_id', '=', 900_002)
    .orderBy('id').limit(1).executeTakeFirstOrThrow()
  await admin.transaction().execute(async (trx) => {
    await trx.selectFrom('users.audit_events').select('id').where('id', '=', held.id).forUpdate().execute()
    t.equal(await app.auditRetention.sweep(), 1, 'the free row went while the held one was locked')
  })
  t.equal(await app.auditRetention.sweep(), 1, 'the held one goes on the next sweep')
  t.equal(await count(900_002), 0)
})

t.test('the timer sweeps on its own every AUDIT_SWEEP_INTERVAL_SECONDS', async (t) => {
  await buildTestApp(t, { db, keys, env: { AUDIT_RETENTION_DAYS: '1', AUDIT_SWEEP_INTERVAL_SECONDS: '1' } })
  await aged(900_003, 5, 2)
  for (const deadline = Date.now() + 15_000; await count(900_003) > 0 && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(await count(900_003), 0, 'removed without being asked')
})

t.test('the retention settings: defaults, and a bad value names its variable', async (t) => {
  const load = (env: Record<string, string>) =>
    loadUsersSettings({ APP_SETTINGS: 'testing', DATABASE_URL: 'postgres://x/y', ...env })
  t.match(load({}), { AUDIT_RETENTION_DAYS: 365, AUDIT_SWEEP_INTERVAL_SECONDS: 3600, AUDIT_SWEEP_BATCH: 1000 })
  for (const [name, value] of [
    ['AUDIT_RETENTION_DAYS', '0'], ['AUDIT_RETENTION_DAYS', 'forever'], ['AUDIT_SWEEP_INTERVAL_SECONDS', '0'],
    ['AUDIT_SWEEP_BATCH', '1000001'], ['AUDIT_SWEEP_BATCH', '2.5']
  ] as const) {
    t.throws(() => load({ [name]: value }), ConfigError)
    t.throws(() => load({ [name]: value }), { message: new RegExp(name) }, `${name}=${value}`)
  }
})

t.test('an event and the change it records commit together: a failing event write undoes the change', async (t) => {
  const { user, tokens, auth } = await session(app)
  // the trail refuses one kind of event: the password change that writes it must not happen either
  await sql`alter table users.audit_events add constraint no_password_events check (type <> 'password_changed')`
    .execute(admin)
  t.teardown(() => sql`alter table users.audit_events drop constraint no_password_events`.execute(admin))
  const res = await app.inject({
    method: 'PATCH',
    url: `/user/${user.id}/`,
    headers: auth,
    payload: { password: 'never stored password', current_password: user.password }
  })
  t.equal(res.statusCode, 500)
  t.ok(await login(app, user.username, user.password), 'the old password still works')
  const refreshed = await app.inject({
    method: 'POST', url: '/user/auth/refresh/', payload: { refresh_token: tokens.refresh_token }
  })
  t.equal(refreshed.statusCode, 200, 'and the sessions were not revoked')
})
