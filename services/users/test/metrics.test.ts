// Metrics: served on their own plain-HTTP port only (the API answers 404 there), requests by route template,
// logins by outcome, refresh reuse, bcrypt, the Offers client by outcome, the pool and the event loop.
import t from 'tap'
import { createTestDatabase, freePort, makeTestKeys, sample, scrapeMetrics } from '@app/testing'
import { buildTestApp } from './helpers/app.ts'
import { register, session } from './helpers/users.ts'

const db = await createTestDatabase(t)
const keys = makeTestKeys()

t.test('metrics off (the testing default): the API port answers 404 problem+json on /metrics', async (t) => {
  const { app, config } = await buildTestApp(t, { db, keys })
  t.equal(config.METRICS_PORT, 0)
  const res = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 404)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json(), { status: 404, code: 'ROUTE_NOT_FOUND' })
})

t.test('metrics on: their own port, by route template and outcome', async (t) => {
  const metricsPort = await freePort()
  // Offers on a port nothing listens on: every call is a connect error
  const offersPort = await freePort()
  const { app } = await buildTestApp(t, {
    db,
    keys,
    env: {
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
      OFFERS_URL: `https://127.0.0.1:${offersPort}`,
      LOGIN_MAX_FAILURES: '2',
      LOGIN_MAX_PER_IP_PER_MINUTE: '12'
    }
  })
  await app.ready()
  const url = `http://127.0.0.1:${metricsPort}`
  const before = await scrapeMetrics(`${url}/metrics`)
  t.equal(before.status, 200)
  t.match(before.contentType, /^text\/plain; version=0\.0\.4/)
  for (const name of [
    'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds',
    'nodejs_eventloop_utilization_ratio', 'db_pool_connections', 'db_pool_idle_connections',
    'db_pool_waiting_queries', 'db_pool_max_connections', 'users_bcrypt_queue_depth', 'users_bcrypt_wait_seconds',
    'users_logins_total', 'users_refresh_reuse_detected_total', 'offers_client_requests_total',
    'offers_client_request_duration_seconds', 'http_request_duration_seconds'
  ]) t.ok(before.names.has(name), name)
  t.equal(sample(before, 'db_pool_max_connections'), 10)
  t.equal(sample(before, 'users_logins_total{outcome="locked"}'), 0, 'each outcome is a series from the start')

  const api = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(api.statusCode, 404, 'the API port does not serve them')
  t.match(api.headers['content-type'], /^application\/problem\+json/)
  const elsewhere = await fetch(`${url}/other`)
  t.equal(elsewhere.status, 404)
  t.match(elsewhere.headers.get('content-type'), /^application\/problem\+json/)
  t.equal((await elsewhere.json() as { code: string }).code, 'ROUTE_NOT_FOUND')

  const me = await session(app)
  const victim = await register(app)
  const attempt = (password: string) => app.inject({
    method: 'POST', url: '/user/auth/', payload: { username: victim.username, password }
  })
  t.equal((await attempt('wrong password 1')).statusCode, 401)
  t.equal((await attempt('wrong password 2')).statusCode, 401)
  t.equal((await attempt(victim.password)).statusCode, 429, 'locked after two failures')
  // the session's login, the three above: 4 of the address's 12 a minute
  for (let i = 0; i < 8; i++) await attempt('wrong password')
  const limited = await attempt('wrong password')
  t.equal(limited.statusCode, 429)
  t.equal(limited.json().code, 'TOO_MANY_REQUESTS')

  const first = await app.inject({
    method: 'POST', url: '/user/auth/refresh/', payload: { refresh_token: me.tokens.refresh_token }
  })
  t.equal(first.statusCode, 200)
  const replay = await app.inject({
    method: 'POST', url: '/user/auth/refresh/', payload: { refresh_token: me.tokens.refresh_token }
  })
  t.equal(replay.statusCode, 401)

  const user = await app.inject({ method: 'GET', url: `/user/${me.user.id}/`, headers: me.auth })
  t.equal(user.statusCode, 503, 'Offers unreachable')
  t.equal((await app.inject({ method: 'GET', url: '/no/such/path/12345' })).statusCode, 404)

  const after = await scrapeMetrics(`${url}/metrics`)
  t.equal(sample(after, 'users_logins_total{outcome="ok"}'), 1)
  t.equal(sample(after, 'users_logins_total{outcome="wrong_credentials"}'), 2)
  t.equal(sample(after, 'users_logins_total{outcome="locked"}'), 9, 'the right password too, and the next 8')
  t.equal(sample(after, 'users_logins_total{outcome="rate_limited"}'), 1)
  t.equal(sample(after, 'users_refresh_reuse_detected_total'), 1)
  t.equal(sample(after, 'offers_client_requests_total{outcome="connect_error"}'), 1)
  t.equal(sample(after, 'offers_client_request_duration_seconds_count{outcome="connect_error"}'), 1)
  t.equal(sample(after, 'offers_client_requests_total{outcome="ok"}'), 0)
  t.ok(sample(after, 'users_bcrypt_wait_seconds_count') >= 5, 'every hash and check went through the lane')
  t.equal(sample(after, 'users_bcrypt_queue_depth'), 0)
  t.ok(sample(after, 'db_pool_connections') >= 1)

  const series = [...after.samples.keys()].filter((s) => s.startsWith('http_request_duration_seconds_count'))
  const count = (labels: string) => sample(after, `http_request_duration_seconds_count{${labels}}`)
  t.equal(count('method="POST",route="/user/auth/",status_code="401"'), 2)
  t.equal(count('method="POST",route="/user/auth/",status_code="429"'), 10)
  t.equal(count('method="GET",route="/user/:user_id/",status_code="503"'), 1, 'the route template, not the id')
  t.equal(count('method="GET",route="unmatched",status_code="404"'), 2, '/metrics and the unknown path')
  t.notOk(series.some((s) => s.includes('12345') || s.includes(`/user/${me.user.id}`)), 'no raw URL as a label')
})

t.test('a metrics port already taken stops the boot, naming METRICS_PORT', async (t) => {
  const port = await freePort()
  const { app } = await buildTestApp(t, { db, keys, env: { METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1' } })
  await app.ready()
  const { app: second } = await buildTestApp(t, {
    db, keys, env: { METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1' }
  })
  await t.rejects(async () => { await second.ready() }, /METRICS_PORT/)
})
