// Configuration is checked once, at boot, and every failure names its variable.
import t from 'tap'
import { Type } from 'typebox'
import { ConfigError, loadConfig } from '../src/index.ts'

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
