// Both services as processes with metrics on, scraped by a real Prometheus (Debian's, on loopback, a generated
// config, its storage in a temp dir): a login failure, a lockout, a refresh reuse and an Offers outage each move
// their counter as Prometheus sees it. And every metric the alerts and the dashboard read is one the services expose.
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { request } from 'undici'
import {
  createTestDatabase, freePort, httpsRequest, makeTestKeys, scrapeMetrics, startServiceProcess, supervise, testTls,
  writeKeyFiles
} from '@app/testing'
import { dashboard, expressions, metricNames, observabilityDir, prometheusBinary } from './promql.ts'

const SCRAPE_INTERVAL = '1s'
const db = await createTestDatabase(t)
const files = await writeKeyFiles(makeTestKeys())
const { ca } = testTls('users')

const metricsPorts = { users: await freePort(), offers: await freePort() }
const metricsEnv = (port: number) => ({ METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1' })
const offers = await startServiceProcess(t, 'offers', {
  DATABASE_URL: db.offersUrl,
  JWT_PUBLIC_KEYS_FILE: files.jwksFile,
  ...metricsEnv(metricsPorts.offers)
})
const users = await startServiceProcess(t, 'users', {
  DATABASE_URL: db.usersUrl,
  JWT_PRIVATE_KEY_FILE: files.privateKeyFile,
  JWT_PUBLIC_KEYS_FILE: files.jwksFile,
  OFFERS_URL: offers.url,
  OFFERS_TIMEOUT_MS: '1000',
  LOGIN_MAX_FAILURES: '2',
  ...metricsEnv(metricsPorts.users)
})

const call = (base: string, route: string, opts: Parameters<typeof httpsRequest>[1] = {}) =>
  httpsRequest(`${base}${route}`, { ca, ...opts })

t.test('the API ports answer 404 problem+json on /metrics', async (t) => {
  for (const service of [users, offers]) {
    const res = await call(service.url, '/metrics')
    t.equal(res.status, 404)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
  }
})

t.test('every metric the alerts and the dashboard read is exposed; the services\' own are on the dashboard',
  async (t) => {
    const exposed = new Set(['up']) // Prometheus' own series of each target
    for (const port of Object.values(metricsPorts)) {
      const scrape = await scrapeMetrics(`http://127.0.0.1:${port}/metrics`)
      t.equal(scrape.status, 200)
      for (const name of scrape.names) {
        exposed.add(name)
        for (const suffix of ['_bucket', '_count', '_sum']) exposed.add(name + suffix)
      }
    }
    for (const { where, expr } of expressions()) {
      for (const name of metricNames(expr)) t.ok(exposed.has(name), `${where}: ${name}`)
    }
    const onDashboard = new Set(dashboard().panels.flatMap((p) => p.targets.flatMap((q) => metricNames(q.expr))))
    const own = [...exposed].filter((n) => /^(http_|users_|offers_client_|db_pool_)/.test(n) &&
      !/_(bucket|count|sum)$/.test(n))
    t.equal(own.length, 11, own.join(', '))
    for (const name of own) {
      t.ok(onDashboard.has(name) || onDashboard.has(`${name}_bucket`), `${name} is on the dashboard`)
    }
  })

const prometheus = prometheusBinary('prometheus')

t.test('a real Prometheus sees each counter move', { skip: !prometheus && 'no /usr/bin/prometheus' }, async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'prometheus-test-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const port = await freePort()
  const config = {
    global: { scrape_interval: SCRAPE_INTERVAL, evaluation_interval: SCRAPE_INTERVAL },
    rule_files: [path.join(observabilityDir, 'alerts.yml')],
    scrape_configs: Object.entries(metricsPorts).map(([job, metricsPort]) => ({
      job_name: job, static_configs: [{ targets: [`127.0.0.1:${metricsPort}`] }]
    }))
  }
  // JSON is YAML
  await writeFile(path.join(dir, 'prometheus.yml'), JSON.stringify(config))
  const child = spawn(prometheus!, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn'
  ], { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr.on('data', (chunk: Buffer) => { log += chunk.toString() })
  const { stop } = supervise(child)
  t.teardown(() => stop())

  const api = `http://127.0.0.1:${port}`
  /** The instant query's single value, or undefined when it has none (yet) or Prometheus is not up yet. */
  const query = async (promql: string): Promise<number | undefined> => {
    try {
      const res = await request(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`)
      const body = await res.body.json() as { data?: { result: Array<{ value: [number, string] }> } }
      const first = body.data?.result[0]
      return first ? Number(first.value[1]) : undefined
    } catch {
      return undefined
    }
  }
  /** Polls (bounded) until the query's value passes `ok`; asserts it did. */
  const until = async (promql: string, ok: (v: number) => boolean, what: string, timeoutMs = 20_000) => {
    let value: number | undefined
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      value = await query(promql)
      if (value !== undefined && ok(value)) break
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    t.ok(value !== undefined && ok(value), `${what}: ${promql} = ${String(value)}`)
  }

  await until('up{job="users"}', (v) => v === 1, 'Users scraped', 30_000)
  await until('up{job="offers"}', (v) => v === 1, 'Offers scraped')
  const rules = await request(`${api}/api/v1/rules`).then((res) => res.body.json()) as {
    data: { groups: Array<{ rules: Array<{ health: string }> }> }
  }
  const loaded = rules.data.groups.flatMap((g) => g.rules)
  t.ok(loaded.length >= 6 && loaded.every((r) => r.health !== 'err'), `${loaded.length} alerting rules loaded`)

  // a user with an offer; one good GET /user/{id}/
  const username = `prom_${Date.now().toString(36)}`
  const password = 'prometheus password'
  const registered = await call(users.url, '/user/registry/', {
    json: { username, password, email: `${username}@example.com` }
  })
  t.equal(registered.status, 201)
  const id = (registered.body as { id: number }).id
  const login = await call(users.url, '/user/auth/', { json: { username, password } })
  t.equal(login.status, 200)
  const tokens = login.body as { access_token: string, refresh_token: string }
  const auth = { authorization: `Bearer ${tokens.access_token}` }
  t.equal((await call(users.url, `/user/${id}/`, { headers: auth })).status, 200)

  // a login failure, then a lockout (LOGIN_MAX_FAILURES=2: the third attempt is refused, right password or not)
  for (const expected of [401, 401, 429]) {
    const res = await call(users.url, '/user/auth/', { json: { username, password: 'not the password' } })
    t.equal(res.status, expected)
  }
  // a refresh reuse
  const refresh = { json: { refresh_token: tokens.refresh_token } }
  t.equal((await call(users.url, '/user/auth/refresh/', refresh)).status, 200)
  t.equal((await call(users.url, '/user/auth/refresh/', refresh)).status, 401)

  await until('users_logins_total{outcome="ok"}', (v) => v === 1, 'one login')
  await until('users_logins_total{outcome="wrong_credentials"}', (v) => v === 2, 'two login failures')
  await until('users_logins_total{outcome="locked"}', (v) => v === 1, 'one locked login')
  await until('users_refresh_reuse_detected_total', (v) => v === 1, 'one refresh reuse')
  await until('offers_client_requests_total{outcome="ok"}', (v) => v === 1, 'one call to Offers')
  await until('sum(http_request_duration_seconds_count{job="offers",route="/offers/",status_code="200"})',
    (v) => v === 1, 'Offers timed the call it answered')
  await until('db_pool_connections{job="offers"}', (v) => v >= 1, 'Offers\' pool')

  // the outage: Offers stopped, GET /user/{id}/ is 503
  await offers.stop()
  const down = await call(users.url, `/user/${id}/`, { headers: auth })
  t.equal(down.status, 503)
  await until('offers_client_requests_total{outcome="connect_error"}', (v) => v === 1, 'one connect error')
  await until('sum(http_request_duration_seconds_count{job="users",route="/user/:user_id/",status_code="503"})',
    (v) => v === 1, 'the 503 by its route template')
  await until('up{job="offers"}', (v) => v === 0, 'Offers seen down')
  t.notMatch(log, /level=error/, 'Prometheus logged no error')
})
