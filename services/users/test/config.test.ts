// The Users configuration: defaults per APP_SETTINGS, and a bad value named at boot.
import t from 'tap'
import { ConfigError } from '@app/service-kit'
import { loadUsersSettings } from '../src/config.ts'

const url = 'postgres://u:p@127.0.0.1:5432/db'

t.test('defaults per APP_SETTINGS: bcrypt cost 12 in production, 4 in tests; ' +
  'the contract\'s limits and budgets', async (t) => {
  const production = loadUsersSettings({
    APP_SETTINGS: 'production',
    DATABASE_URL: url,
    TLS_CERT_FILE: '/c',
    TLS_KEY_FILE: '/k',
    TLS_CA_FILE: '/ca',
    JWT_PUBLIC_KEYS_FILE: '/j',
    JWT_PRIVATE_KEY_FILE: '/p',
    OFFERS_URL: 'https://offers:3002'
  })
  // the contract's numbers, written out here on purpose rather than read from config.ts
  const expected = {
    BCRYPT_COST: 12,
    ACCESS_TOKEN_TTL_SECONDS: 15 * 60,
    REFRESH_TOKEN_TTL_DAYS: 30,
    OFFERS_TIMEOUT_MS: 2000,
    USER_OFFERS_EMBED_LIMIT: 100,
    OFFERS_MAX_BODY_BYTES: 8 * 1024 * 1024
  }
  t.match(production, {
    ...expected,
    LOGIN_MAX_FAILURES: 5,
    LOGIN_FAILURE_WINDOW_SECONDS: 15 * 60,
    LOGIN_MAX_PER_IP_PER_MINUTE: 100
  })
  t.equal(loadUsersSettings({ APP_SETTINGS: 'testing', DATABASE_URL: url }).BCRYPT_COST, 4)
})

t.test('a bad value stops the boot with the variable\'s name', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ BCRYPT_COST: '3' }, /BCRYPT_COST/],
    [{ OFFERS_URL: 'http://offers' }, /OFFERS_URL/],
    [{ USER_OFFERS_EMBED_LIMIT: '0' }, /USER_OFFERS_EMBED_LIMIT/],
    [{ USER_OFFERS_EMBED_LIMIT: '101' }, /USER_OFFERS_EMBED_LIMIT/],
    [{ USER_OFFERS_EMBED_LIMIT: 'all' }, /USER_OFFERS_EMBED_LIMIT/],
    [{ OFFERS_MAX_BODY_BYTES: '100' }, /OFFERS_MAX_BODY_BYTES/],
    [{ OFFERS_MAX_BODY_BYTES: '1e12' }, /OFFERS_MAX_BODY_BYTES/],
    [{ OFFERS_MAX_BODY_BYTES: '8MB' }, /OFFERS_MAX_BODY_BYTES/],
    [{ LOGIN_MAX_FAILURES: 'many' }, /LOGIN_MAX_FAILURES/]
  ]
  for (const [env, name] of cases) {
    t.throws(() => loadUsersSettings({ APP_SETTINGS: 'testing', DATABASE_URL: url, ...env }), ConfigError)
    t.throws(() => loadUsersSettings({ APP_SETTINGS: 'testing', DATABASE_URL: url, ...env }), { message: name })
  }
  t.throws(() => loadUsersSettings({ APP_SETTINGS: 'production' }), { message: /DATABASE_URL/ })
})

t.test('RATE_LIMIT_REDIS_URL must be a redis:// or rediss:// URL; RATE_LIMIT_REDIS_PREFIX a short key prefix',
  async (t) => {
    const load = (env: Record<string, string>) =>
      loadUsersSettings({ APP_SETTINGS: 'testing', DATABASE_URL: url, ...env })
    t.throws(() => load({ RATE_LIMIT_REDIS_URL: 'http://127.0.0.1:6379' }), { message: /RATE_LIMIT_REDIS_URL/ })
    t.throws(() => load({ RATE_LIMIT_REDIS_URL: 'redis://host name' }), { message: /RATE_LIMIT_REDIS_URL/ })
    t.throws(() => load({ RATE_LIMIT_REDIS_PREFIX: 'with space:' }), { message: /RATE_LIMIT_REDIS_PREFIX/ })
    t.throws(() => load({ RATE_LIMIT_REDIS_PREFIX: 'x'.repeat(65) }), { message: /RATE_LIMIT_REDIS_PREFIX/ })
    t.match(load({ RATE_LIMIT_REDIS_URL: 'rediss://:secret@cache.internal:6380/2' }), {
      RATE_LIMIT_REDIS_URL: 'rediss://:secret@cache.internal:6380/2',
      RATE_LIMIT_REDIS_PREFIX: 'classifieds:users:'
    })
  })
