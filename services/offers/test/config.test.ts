// Offers' configuration is checked at boot: a missing or malformed variable is named, and the process stops.
import t from 'tap'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '@app/service-kit'
import { TS_NODE_ARGS } from '@app/testing'
import { loadOffersSettings } from '../src/config.ts'

const production = {
  APP_SETTINGS: 'production',
  DATABASE_URL: 'postgres://offers_svc:secret@db:5432/classifieds',
  TLS_CERT_FILE: '/etc/offers/tls.crt',
  TLS_KEY_FILE: '/etc/offers/tls.key',
  JWT_PUBLIC_KEYS_FILE: '/etc/offers/jwks.json'
}

t.test('production has no defaults for secrets and files: each missing one is named', async (t) => {
  const err = t.throws(() => loadOffersSettings({ APP_SETTINGS: 'production' })) as ConfigError
  t.ok(err instanceof ConfigError)
  for (const name of ['DATABASE_URL', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'JWT_PUBLIC_KEYS_FILE']) {
    t.match(err.message, name)
  }
  for (const name of Object.keys(production).filter((k) => k !== 'APP_SETTINGS')) {
    t.throws(() => loadOffersSettings({ ...production, [name]: undefined }), new RegExp(name), `${name} alone`)
  }
})

t.test('a complete production environment loads, with its defaults', async (t) => {
  const settings = loadOffersSettings(production)
  t.match(settings, {
    APP_SETTINGS: 'production',
    PORT: 3002,
    DB_POOL_MAX: 10,
    DB_POOL_MIN: 2,
    LOG_LEVEL: 'info',
    JWT_ISSUER: 'users-service'
  })
  t.equal(loadOffersSettings({ ...production, PORT: '8443' }).PORT, 8443)
})

t.test('a malformed value names its variable', async (t) => {
  t.throws(() => loadOffersSettings({ ...production, DATABASE_URL: 'mysql://x' }), /DATABASE_URL/)
  t.throws(() => loadOffersSettings({ ...production, PORT: 'eighty' }), /PORT/)
  t.throws(() => loadOffersSettings({ ...production, DB_POOL_MAX: '0' }), /DB_POOL_MAX/)
  t.throws(() => loadOffersSettings({ ...production, DB_POOL_MIN: '-1' }), /DB_POOL_MIN/)
  t.throws(() => loadOffersSettings({ ...production, DB_POOL_MIN: 'two' }), /DB_POOL_MIN/)
  t.throws(() => loadOffersSettings({ ...production, LOG_LEVEL: 'loud' }), /LOG_LEVEL/)
  t.throws(() => loadOffersSettings({ APP_SETTINGS: 'staging' }), /APP_SETTINGS/)
})

t.test('DB_POOL_MIN: warm connections, at most DB_POOL_MAX', async (t) => {
  t.equal(loadOffersSettings({ ...production, DB_POOL_MIN: '0' }).DB_POOL_MIN, 0, 'none kept warm')
  t.equal(loadOffersSettings({ ...production, DB_POOL_MIN: '10' }).DB_POOL_MIN, 10, 'as many as the pool may open')
  t.throws(() => loadOffersSettings({ ...production, DB_POOL_MIN: '11' }), /DB_POOL_MIN must be at most DB_POOL_MAX/)
  t.throws(() => loadOffersSettings({ ...production, DB_POOL_MIN: '3', DB_POOL_MAX: '2' }), /DB_POOL_MIN/)
  t.equal(loadOffersSettings({ ...production, DB_POOL_MAX: '1' }).DB_POOL_MIN, 1, 'the default, 2, follows a pool of 1')
})

t.test('the server process stops with one line naming the variable', async (t) => {
  const server = fileURLToPath(new URL('../src/server.ts', import.meta.url))
  const { code, stderr } = await new Promise<{ code: number | null, stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [...TS_NODE_ARGS, server], {
      env: { PATH: process.env.PATH, ...production, TLS_KEY_FILE: '' },
      timeout: 30_000
    }, (_err, _stdout, stderr) => resolve({ code: child.exitCode, stderr }))
  })
  t.equal(code, 1)
  t.match(stderr, /^offers: Invalid configuration:/)
  t.match(stderr, /TLS_KEY_FILE is required when APP_SETTINGS=production/)
  t.notMatch(stderr, /secret/, 'the database password is not echoed')
})
