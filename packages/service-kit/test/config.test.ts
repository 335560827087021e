// Configuration is checked once, at boot, and every failure names its variable.
import t from 'tap'
import { Type } from 'typebox'
import { commonConfig, commonDefaults, ConfigError, loadConfig, trustedProxies } from '../src/index.ts'

const schema = Type.Object({ PORT: Type.Integer({ minimum: 1 }), DATABASE_URL: Type.String({ pattern: '^postgres://' }) })
const defaults = { development: { PORT: 3000, DATABASE_URL: 'postgres://dev' }, testing: { PORT: 0 }, production: {} }

t.test('defaults per APP_SETTINGS, environment wins, numbers are converted', async (t) => {
  t.same(loadConfig(schema, defaults, {}), { PORT: 3000, DATABASE_URL: 'postgres://dev', APP_SETTINGS: 'development' })
  t.same(loadConfig(schema, defaults, { PORT: '8080' }).PORT, 8080)
})

t.test('production names what is missing', async (t) => {
  const err = t.throws(() => loadConfig(schema, defaults, { APP_SETTINGS: 'production' })) as ConfigError
  t.ok(err instanceof ConfigError)
  t.match(err.message, /PORT/)
  t.match(err.message, /DATABASE_URL/)
})

t.test('a malformed value names its variable', async (t) => {
  t.throws(() => loadConfig(schema, defaults, { PORT: 'eighty' }), /PORT/)
  t.throws(() => loadConfig(schema, defaults, { DATABASE_URL: 'mysql://x' }), /DATABASE_URL/)
  t.throws(() => loadConfig(schema, defaults, { APP_SETTINGS: 'staging' }), /APP_SETTINGS/)
})

t.test('connection bounds: defaults, and a bad value named', async (t) => {
  const names = ['TLS_HANDSHAKE_TIMEOUT_MS', 'CONNECTION_IDLE_TIMEOUT_MS', 'HEADERS_TIMEOUT_MS', 'REQUEST_TIMEOUT_MS',
    'KEEP_ALIVE_TIMEOUT_MS', 'MAX_CONNECTIONS'] as const
  const schema = Type.Object(Object.fromEntries(names.map((name) => [name, commonConfig[name]])))
  const defaults = commonDefaults('users', 3001)
  // the README's numbers, written out here on purpose rather than read from connections.ts
  t.match(loadConfig(schema, defaults, { APP_SETTINGS: 'production' }), {
    TLS_HANDSHAKE_TIMEOUT_MS: 5000,
    CONNECTION_IDLE_TIMEOUT_MS: 10_000,
    HEADERS_TIMEOUT_MS: 10_000,
    REQUEST_TIMEOUT_MS: 30_000,
    KEEP_ALIVE_TIMEOUT_MS: 72_000,
    MAX_CONNECTIONS: 2000
  })
  t.equal(loadConfig(schema, defaults, { MAX_CONNECTIONS: '500' }).MAX_CONNECTIONS, 500)
  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ TLS_HANDSHAKE_TIMEOUT_MS: 'soon' }, /TLS_HANDSHAKE_TIMEOUT_MS/],
    [{ CONNECTION_IDLE_TIMEOUT_MS: '0' }, /CONNECTION_IDLE_TIMEOUT_MS/],
    [{ KEEP_ALIVE_TIMEOUT_MS: '1.5' }, /KEEP_ALIVE_TIMEOUT_MS/],
    [{ MAX_CONNECTIONS: '0' }, /MAX_CONNECTIONS/],
    [{ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '15000' }, /HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT/]
  ]
  for (const [env, name] of bad) {
    t.throws(() => loadConfig(schema, defaults, env), { name: 'ConfigError', message: name })
  }
})

t.test('TRUST_PROXY: nobody by default; addresses and CIDR ranges; a bad entry is named', async (t) => {
  const schema = Type.Object({ TRUST_PROXY: commonConfig.TRUST_PROXY })
  const defaults = commonDefaults('users', 3001)
  t.equal(loadConfig(schema, defaults, { APP_SETTINGS: 'production' }).TRUST_PROXY, '', 'trusts nobody')
  const list = ' 10.0.0.0/8, 127.0.0.2,fd00::/8 ,loopback '
  t.equal(loadConfig(schema, defaults, { TRUST_PROXY: list }).TRUST_PROXY, list)
  t.same(trustedProxies(list), ['10.0.0.0/8', '127.0.0.2', 'fd00::/8', 'loopback'])
  for (const bad of ['10.0.0.0/33', 'balancer.internal', '10.0.0.1, *', '300.1.1.1']) {
    t.throws(() => loadConfig(schema, defaults, { TRUST_PROXY: bad }),
      { name: 'ConfigError', message: /TRUST_PROXY must list addresses or CIDR ranges/ }, bad)
  }
})

t.test('SHUTDOWN_DRAIN_MS: 5 s in production, none locally; a bad value is named', async (t) => {
  const schema = Type.Object({ SHUTDOWN_DRAIN_MS: commonConfig.SHUTDOWN_DRAIN_MS })
  const defaults = commonDefaults('offers', 3002)
  t.equal(loadConfig(schema, defaults, { APP_SETTINGS: 'production' }).SHUTDOWN_DRAIN_MS, 5000)
  t.equal(loadConfig(schema, defaults, {}).SHUTDOWN_DRAIN_MS, 0)
  t.equal(loadConfig(schema, defaults, { SHUTDOWN_DRAIN_MS: '1500' }).SHUTDOWN_DRAIN_MS, 1500)
  for (const bad of ['-1', 'soon', '60001', '1.5']) {
    t.throws(() => loadConfig(schema, defaults, { SHUTDOWN_DRAIN_MS: bad }),
      { name: 'ConfigError', message: /SHUTDOWN_DRAIN_MS/ }, bad)
  }
})

t.test('METRICS_PORT: off (0) in development and testing, 9464/9465 in production; a bad value is named', async (t) => {
  const schema = Type.Object({ PORT: commonConfig.PORT, METRICS_PORT: commonConfig.METRICS_PORT })
  const users = commonDefaults('users', 3001)
  t.equal(loadConfig(schema, users, {}).METRICS_PORT, 0)
  t.equal(loadConfig(schema, users, { APP_SETTINGS: 'testing' }).METRICS_PORT, 0)
  t.equal(loadConfig(schema, users, { APP_SETTINGS: 'production' }).METRICS_PORT, 9464)
  t.equal(loadConfig(schema, commonDefaults('offers', 3002), { APP_SETTINGS: 'production' }).METRICS_PORT, 9465)
  t.equal(loadConfig(schema, users, { METRICS_PORT: '9100' }).METRICS_PORT, 9100)
  for (const value of ['metrics', '-1', '65536', '9464.5']) {
    t.throws(() => loadConfig(schema, users, { METRICS_PORT: value }), { name: 'ConfigError', message: /METRICS_PORT/ })
  }
  t.throws(() => loadConfig(schema, users, { PORT: '8443', METRICS_PORT: '8443' }),
    { name: 'ConfigError', message: /METRICS_PORT must differ from PORT/ })
  const host = Type.Object({ METRICS_HOST: commonConfig.METRICS_HOST })
  t.equal(loadConfig(host, users, {}).METRICS_HOST, undefined, 'the API host unless set')
})
