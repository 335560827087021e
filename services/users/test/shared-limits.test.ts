// Limits shared through Redis (RATE_LIMIT_REDIS_URL): two Users apps on one Redis share every budget, every key
// expires with its window, and each check is one command (one round trip), counted with MONITOR.
import t from 'tap'
import { readState, startPrivateRedis, testRedis, type TestRedis } from '@app/testing'
import { buildTestApp, setup } from './helpers/app.ts'
import { register, uniqueName } from './helpers/users.ts'

const skip = readState().redis ? false : 'no Redis in this test run'

const limits = {
  LOGIN_MAX_FAILURES: '5',
  LOGIN_MAX_FAILURES_PER_USERNAME: '1000',
  LOGIN_FAILURE_WINDOW_SECONDS: '60',
  LOGIN_MAX_PER_IP_PER_MINUTE: '8',
  REGISTER_MAX_PER_IP_PER_HOUR: '3'
}

t.test('two Users apps on one Redis', { skip }, async (t) => {
  const redis = (await testRedis(t))!
  const env = { ...limits, ...redis.env }
  const { app: a, db, keys } = await setup(t, { env })
  const { app: b } = await buildTestApp(t, { db, keys, env })
  const login = (app: typeof a, remoteAddress: string, username: string, password: string) =>
    app.inject({ method: 'POST', url: '/user/auth/', remoteAddress, payload: { username, password } })

  t.test('failures per (username, address): 5 in all across both apps, not 5 each', async (t) => {
    const user = await register(a)
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      statuses.push((await login(i % 2 ? b : a, '192.0.2.10', user.username, 'wrong password')).statusCode)
    }
    const allowed = statuses.filter((s) => s === 401).length
    t.comment(`failures allowed across both apps: ${allowed} (want 5)`)
    t.same(statuses, [401, 401, 401, 401, 401, 429], 'the sixth, on the other app, is refused')
    for (const app of [a, b]) {
      const locked = await login(app, '192.0.2.10', user.username, user.password)
      t.equal(locked.statusCode, 429, 'even the right password, on either app')
      t.match(locked.json(), { code: 'TOO_MANY_FAILED_LOGINS' })
    }
    t.equal((await login(b, '192.0.2.11', user.username, user.password)).statusCode, 200,
      'the owner, from another address, logs in')
  })

  t.test('attempts per address: LOGIN_MAX_PER_IP_PER_MINUTE in all across both apps', async (t) => {
    const user = await register(b)
    const statuses: number[] = []
    for (let i = 0; i < 9; i++) {
      statuses.push((await login(i % 2 ? b : a, '192.0.2.20', user.username, user.password)).statusCode)
    }
    t.same(statuses, [...Array(8).fill(200), 429])
    const limited = await login(a, '192.0.2.20', user.username, user.password)
    t.match(limited.json(), { code: 'TOO_MANY_REQUESTS' })
  })

  t.test('registrations per address, across both apps', async (t) => {
    const registerOn = (app: typeof a) => {
      const username = uniqueName('s')
      return app.inject({
        method: 'POST',
        url: '/user/registry/',
        remoteAddress: '192.0.2.30',
        payload: { username, email: `${username}@example.com`, password: 'correct horse battery' }
      })
    }
    const statuses = [(await registerOn(a)).statusCode, (await registerOn(b)).statusCode,
      (await registerOn(a)).statusCode, (await registerOn(b)).statusCode]
    t.same(statuses, [201, 201, 201, 429])
  })

  t.test('every key is namespaced and expires with its window', async (t) => {
    const user = await register(a)
    const name = user.username.toLowerCase()
    await login(b, '192.0.2.40', user.username.toUpperCase(), 'wrong password')
    const keys = await redis.client.keys(`${redis.prefix}*`)
    for (const key of [
      `${redis.prefix}login:user+address:${name}|192.0.2.40`,
      `${redis.prefix}login:user:${name}`,
      `${redis.prefix}rate:POST:/user/auth/:192.0.2.40`
    ]) {
      t.ok(keys.includes(key), `${key.slice(redis.prefix.length)}: one key, whatever the case of the name`)
      const ttl = await redis.client.pttl(key)
      t.ok(ttl > 0 && ttl <= 60_000, `${key.slice(redis.prefix.length)} expires within its minute (PTTL ${ttl})`)
    }
    for (const key of keys) {
      t.ok(await redis.client.pttl(key) > 0, `${key.slice(redis.prefix.length)} has an expiry`)
    }
  })
})

t.test('a failure record leaves Redis when its window ends', { skip }, async (t) => {
  const redis = (await testRedis(t))!
  const { app } = await setup(t, { env: { ...limits, LOGIN_FAILURE_WINDOW_SECONDS: '1', ...redis.env } })
  const user = await register(app)
  const key = `${redis.prefix}login:user:${user.username.toLowerCase()}`
  const res = await app.inject({
    method: 'POST', url: '/user/auth/', payload: { username: user.username, password: 'wrong password' }
  })
  t.equal(res.statusCode, 401)
  const ttl = await redis.client.pttl(key)
  t.ok(ttl > 0 && ttl <= 1000, `PTTL ${ttl} ms of a 1 s window`)
  for (const deadline = Date.now() + 5_000; await redis.client.exists(key) && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(await redis.client.exists(key), 0, 'gone once the window has passed')
})

/** The commands the app sends while `work` runs (not those its scripts run inside Redis), by MONITOR. */
async function commandsDuring (redis: TestRedis, work: () => Promise<unknown>): Promise<string[]> {
  const monitor = await redis.client.monitor()
  const seen: Array<{ args: string[], source: string }> = []
  monitor.on('monitor', (_time: string, args: string[], source: string) => { seen.push({ args, source }) })
  try {
    const marker = `end-${uniqueName()}`
    await work()
    await redis.client.echo(marker)
    for (const deadline = Date.now() + 5_000; !seen.some((c) => c.args[1] === marker) && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return seen.filter((c) => c.source !== 'lua' && c.args[1] !== marker).map((c) => c.args[0]!.toLowerCase())
  } finally {
    monitor.disconnect()
  }
}

t.test('one command (one round trip) per check', { skip }, async (t) => {
  // a server of this test's own, so MONITOR sees no other test file's commands
  const redis = await startPrivateRedis(t)
  const { app } = await setup(t, { env: { ...limits, ...redis.env } })
  const user = await register(app)
  const login = (password: string) => app.inject({
    method: 'POST', url: '/user/auth/', remoteAddress: '192.0.2.50', payload: { username: user.username, password }
  })
  await login('wrong password') // the scripts are loaded once per connection (EVALSHA, NOSCRIPT, EVAL)
  await login(user.password)

  const failed = await commandsDuring(redis, () => login('wrong password'))
  t.same(failed, ['evalsha', 'evalsha'], 'a failed login: the address count, the failure limits; one each')
  const succeeded = await commandsDuring(redis, () => login(user.password))
  t.same(succeeded, ['evalsha', 'evalsha', 'evalsha'], 'a success also takes its attempt back, in one more')
  for (let i = 0; i < 3; i++) await login('wrong password')
  const refused = await commandsDuring(redis, async () => t.equal((await login(user.password)).statusCode, 429))
  t.same(refused, ['evalsha', 'evalsha'], 'a refusal: the same two checks, nothing to take back')
  t.comment(`commands per login: failed ${failed.length}, succeeded ${succeeded.length}, refused ${refused.length}`)
})
