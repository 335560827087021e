// Login limits: failures per (username, address) and per username (successes do not count), attempts per address
// (IPv6 by /64), registrations and password changes per address; 429 + Retry-After.
import t from 'tap'
import { setup } from './helpers/app.ts'
import { register, uniqueName } from './helpers/users.ts'

const limits = {
  LOGIN_MAX_FAILURES: '3',
  LOGIN_MAX_FAILURES_PER_USERNAME: '6',
  LOGIN_FAILURE_WINDOW_SECONDS: '60',
  LOGIN_MAX_PER_IP_PER_MINUTE: '8'
}
const { app } = await setup(t, { env: limits })

let address = 0
/** Each test speaks from its own client address, so the per-address limit only bites where it is tested. */
const client = () => {
  const remoteAddress = `10.0.0.${++address}`
  return (username: string, password: string) => app.inject({
    method: 'POST',
    url: '/user/auth/',
    remoteAddress,
    payload: { username, password }
  })
}

t.test('anyone cannot lock any account: 3 failures lock that (username, address) only', async (t) => {
  const user = await register(app)
  const attempt = client()
  for (let i = 0; i < 3; i++) t.equal((await attempt(user.username, 'wrong password')).statusCode, 401)
  const locked = await attempt(user.username, user.password)
  t.equal(locked.statusCode, 429)
  t.equal(locked.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(locked.json(), { status: 429, code: 'TOO_MANY_FAILED_LOGINS' })
  const retryAfter = Number(locked.headers['retry-after'])
  t.ok(Number.isInteger(retryAfter) && retryAfter > 55 && retryAfter <= 60, `Retry-After ${retryAfter}`)
  t.equal((await attempt(user.username.toUpperCase(), user.password)).statusCode, 429, 'whatever the case of the name')
  t.equal((await client()(user.username, user.password)).statusCode, 200, 'the owner, from another address, logs in')
  const other = await register(app)
  t.equal((await attempt(other.username, other.password)).statusCode, 200, 'another username is not affected')
})

t.test('successes do not count', async (t) => {
  const user = await register(app)
  const attempt = client()
  for (let i = 0; i < 2; i++) {
    t.equal((await attempt(user.username, 'wrong password')).statusCode, 401)
    for (let j = 0; j < 3; j++) t.equal((await attempt(user.username, user.password)).statusCode, 200)
  }
})

t.test('unknown usernames are limited the same way', async (t) => {
  const name = uniqueName('ghost')
  const attempt = client()
  for (let i = 0; i < 3; i++) t.equal((await attempt(name, 'whatever pw')).statusCode, 401)
  t.equal((await attempt(name, 'whatever pw')).statusCode, 429)
})

t.test('concurrent guesses cannot slip past the count', async (t) => {
  const user = await register(app)
  const attempt = client()
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => attempt(user.username, `wrong password ${i}`)))
  const statuses = results.map((r) => r.statusCode).sort()
  t.same(statuses, [401, 401, 401, 429, 429, 429, 429, 429])
})

t.test('a distributed guess meets the per-username limit across addresses', async (t) => {
  const user = await register(app)
  for (let i = 0; i < 3; i++) {
    const attempt = client()
    for (let j = 0; j < 2; j++) t.equal((await attempt(user.username, 'wrong password')).statusCode, 401)
  }
  const locked = await client()(user.username, user.password)
  t.equal(locked.statusCode, 429, 'six failures from three addresses reach LOGIN_MAX_FAILURES_PER_USERNAME')
  t.match(locked.json(), { code: 'TOO_MANY_FAILED_LOGINS' })
})

t.test('per-address limits key on the /64 for IPv6, and on the IPv4 address when it is IPv4-mapped', async (t) => {
  const user = await register(app)
  const from = (remoteAddress: string) => app.inject({
    method: 'POST', url: '/user/auth/', remoteAddress, payload: { username: user.username, password: user.password }
  })
  for (let i = 0; i < 8; i++) t.equal((await from(`2001:db8:1:2::${i + 1}`)).statusCode, 200)
  t.equal((await from('2001:db8:1:2:ffff::9')).statusCode, 429, 'another address of the same /64 is the same client')
  t.equal((await from('2001:db8:1:3::1')).statusCode, 200, 'the next /64 is another client')
  for (let i = 0; i < 8; i++) t.equal((await from('::ffff:198.51.100.77')).statusCode, 200)
  t.equal((await from('198.51.100.77')).statusCode, 429, 'an IPv4-mapped address is that IPv4 address')
  t.equal((await from('::ffff:198.51.100.78')).statusCode, 200, 'and never a /64 of all of IPv4')
})

t.test('per address: LOGIN_MAX_PER_IP_PER_MINUTE attempts, whatever their outcome, then 429', async (t) => {
  const user = await register(app)
  const attempt = client()
  for (let i = 0; i < 8; i++) t.equal((await attempt(user.username, user.password)).statusCode, 200)
  const limited = await attempt(user.username, user.password)
  t.equal(limited.statusCode, 429)
  t.match(limited.json(), { status: 429, code: 'TOO_MANY_REQUESTS' })
  const retryAfter = Number(limited.headers['retry-after'])
  t.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`)
  t.equal((await client()(user.username, user.password)).statusCode, 200, 'another address is not affected')
})
