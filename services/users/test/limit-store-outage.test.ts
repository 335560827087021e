// A Redis outage under Users (a real process over HTTPS, on a redis-server of this file's own): the routes that need
// a limit answer 503 RATE_LIMIT_STORE_UNAVAILABLE with Retry-After (fail closed), never 500 and never after a
// long wait; the rest keeps working; one log line per outage; back by itself when Redis is.
import t from 'tap'
import {
  createTestDatabase, httpsRequest, makeTestKeys, readState, startPrivateRedis, startServiceProcess, testTls,
  writeKeyFiles, type HttpsOptions, type HttpsResponse
} from '@app/testing'
import { uniqueName } from './helpers/users.ts'

/** The assertions a test's `t` has. */
type Assert = Pick<typeof t, 'equal' | 'match'>

const skip = readState().redis ? false : 'no Redis in this test run (TEST_REDIS=none, or no redis-server)'

t.test('Users on a redis-server of this file\'s own', { skip }, async (t) => {
  const keys = makeTestKeys()
  const files = await writeKeyFiles(keys)
  const { ca } = testTls('users')
  const db = await createTestDatabase(t)
  const redis = await startPrivateRedis(t)
  // down before Users starts: it must boot anyway, and recover without a restart
  await redis.stop()
  const users = await startServiceProcess(t, 'users', {
    DATABASE_URL: db.usersUrl,
    JWT_PRIVATE_KEY_FILE: files.privateKeyFile,
    JWT_PUBLIC_KEYS_FILE: files.jwksFile,
    ...redis.env
  })

  const call = (path: string, opts: HttpsOptions = {}) => httpsRequest(`${users.url}${path}`, { ca, ...opts })
  const password = 'outage test password'
  const newUser = () => {
    const username = uniqueName('q')
    return { username, password, email: `${username}@example.com` }
  }
  const alice = newUser()
  const login = (pw = password) => call('/user/auth/', { json: { username: alice.username, password: pw } })

  /** The log lines that say `msg`. */
  const lines = (msg: string) => users.output().split('\n').filter((l) => l.includes(`"msg":"${msg}"`))
  const DOWN = 'rate-limit store unavailable: limited requests are refused'
  const UP = 'rate-limit store answers again'
  const errorLines = () => users.output().split('\n').filter((l) => l.includes('"level":50'))

  function refusedForOutage (t: Assert, res: HttpsResponse, what: string) {
    t.equal(res.status, 503, what)
    t.match(res.body, { status: 503, code: 'RATE_LIMIT_STORE_UNAVAILABLE' }, what)
    t.equal(res.headers['retry-after'], '2', `${what}: Retry-After`)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
  }

  async function until (what: string, check: () => Promise<boolean>, ms = 10_000): Promise<number> {
    const started = Date.now()
    while (!await check()) {
      if (Date.now() - started > ms) throw new Error(`waited ${ms} ms for ${what}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return Date.now() - started
  }

  t.test('Redis not there when Users starts (a closed port): it boots, refuses limited routes, and recovers ' +
    'once Redis listens', async (t) => {
    t.equal(lines(DOWN).length, 1, 'the outage is said at boot')
    refusedForOutage(t, await call('/user/registry/', { json: newUser() }), 'registration')
    refusedForOutage(t, await login(), 'login')
    t.equal((await call('/ready')).status, 200, 'still ready: only limited routes depend on Redis')
    await redis.start()
    const ms = await until('a registration to go through', async () =>
      (await call('/user/registry/', { json: alice })).status === 201)
    t.comment(`registered ${ms} ms after Redis started`)
    t.equal((await login()).status, 200)
    t.equal(lines(DOWN).length, 1, 'one outage line in all')
    await until('the end of the outage to be said', async () => lines(UP).length === 1)
    t.pass('the end of the outage is said')
  })

  t.test('Redis stopped: every limited route 503 with Retry-After, never 500; one line for the ' +
    'outage, one when it ends with the count of refusals; the rest keeps working', async (t) => {
    const tokens = (await login()).body as { access_token: string, refresh_token: string, user_id: number }
    const auth = { authorization: `Bearer ${tokens.access_token}` }
    const down = lines(DOWN).length
    await redis.stop()
    let refused = 0
    for (let round = 1; round <= 3; round++) {
      for (const [what, send] of [
        ['login, right password', () => login()],
        ['login, wrong password', () => login('wrong password')],
        ['registration', () => call('/user/registry/', { json: newUser() })],
        ['password change', () => call(`/user/${tokens.user_id}/`, {
          method: 'PATCH', headers: auth, json: { password: 'a new password', current_password: password }
        })]
      ] as const) {
        refusedForOutage(t, await send(), `${what}, round ${round}`)
        refused++
      }
    }
    const patched = await call(`/user/${tokens.user_id}/`, {
      method: 'PATCH', headers: auth, json: { email: `${uniqueName('e')}@example.com` }
    })
    t.equal(patched.status, 200, 'a change without a password needs no limit')
    t.equal((await call('/users/', { headers: auth })).status, 200, 'reads work')
    t.equal((await call('/user/auth/refresh/', { json: { refresh_token: tokens.refresh_token } })).status, 200,
      'refresh works')
    t.same(errorLines(), [], 'no error-level line: nothing was a 500')
    t.equal(lines(DOWN).length - down, 1, `one outage line for ${refused} refused requests`)

    const up = lines(UP).length
    await redis.start()
    const ms = await until('a login to go through', async () => (await login()).status === 200)
    t.comment(`logins again ${ms} ms after Redis started`)
    await until('the end of the outage to be said', async () => lines(UP).length > up)
    const last = JSON.parse(lines(UP).at(-1)!) as { refused: number, unavailableMs: number }
    t.ok(last.refused >= refused, `its line counts the refusals (${last.refused}, at least ${refused})`)
    t.ok(last.unavailableMs > 0, `and says how long (${last.unavailableMs} ms)`)
  })

  t.test('Redis hung (SIGSTOP): a login waits at most about the command timeout, then 503; thawed, it answers ' +
    'again without a reconnect', async (t) => {
    t.equal((await login()).status, 200)
    const down = lines(DOWN).length
    redis.freeze()
    const started = Date.now()
    const res = await login()
    const waited = Date.now() - started
    redis.thaw()
    refusedForOutage(t, res, 'login')
    t.comment(`a login against a hung Redis answered 503 in ${waited} ms`)
    t.ok(waited < 5_000, `answered in ${waited} ms (command timeout 1 s), not held`)
    await until('a login to go through', async () => (await login()).status === 200)
    t.equal(lines(DOWN).length - down, 1, 'one outage line')
    t.same(errorLines(), [], 'no error-level line')
  })
})
