// Security findings in Users, each kept closed by a test named after it: too long a path parameter is
// problem+json, token answers are never cached, and every log line names the client (refused logins the username).
import t from 'tap'
import { setup } from './helpers/app.ts'
import { startUsersOverHttps } from './helpers/users-process.ts'
import { register } from './helpers/users.ts'

const { app } = await setup(t)

t.test('router-level errors are problem+json with our own code: a 65-character id is 414 URI_TOO_LONG', async (t) => {
  const res = await app.inject({ method: 'GET', url: `/user/${'9'.repeat(65)}/` })
  t.equal(res.statusCode, 414)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.json(), { status: 414, code: 'URI_TOO_LONG' })
  const bad = await app.inject({ method: 'GET', url: '/user/%/' })
  t.match(bad.json(), { status: 400, code: 'BAD_URL' })
})

t.test('token answers carry Cache-Control: no-store (login, refresh, logout, and their refusals)', async (t) => {
  const user = await register(app)
  const login = await app.inject({
    method: 'POST', url: '/user/auth/', payload: { username: user.username, password: user.password }
  })
  t.equal(login.headers['cache-control'], 'no-store')
  const { refresh_token: token } = login.json<{ refresh_token: string }>()
  const refresh = await app.inject({ method: 'POST', url: '/user/auth/refresh/', payload: { refresh_token: token } })
  t.equal(refresh.headers['cache-control'], 'no-store')
  const logout = await app.inject({
    method: 'POST',
    url: '/user/auth/logout/',
    payload: { refresh_token: refresh.json<{ refresh_token: string }>().refresh_token }
  })
  t.equal(logout.headers['cache-control'], 'no-store')
  const refused = await app.inject({
    method: 'POST', url: '/user/auth/', payload: { username: user.username, password: 'nope nope' }
  })
  t.equal(refused.headers['cache-control'], 'no-store')
})

t.test('the access log names the client on every line, and refused logins name the username', async (t) => {
  const { process: users, call } = await startUsersOverHttps(t, { OFFERS_URL: 'https://127.0.0.1:9' })
  const res = await call('/user/auth/', {
    headers: { 'x-request-id': 'brute-1' }, json: { username: 'victim_1', password: 'guess guess' }
  })
  t.equal(res.status, 401)
  t.ok(await users.waitForOutput(/"reqId":"brute-1".*"msg":"request completed"/), 'the request was logged')
  const lines = users.output().split('\n').filter((l) => l.includes('"reqId":"brute-1"')).map((l) => JSON.parse(l))
  t.ok(lines.length >= 2, `${lines.length} lines for the request`)
  t.ok(lines.every((l) => l.client === '127.0.0.1'), 'each names the client address')
  t.match(lines.find((l) => l.msg === 'login refused'), { username: 'victim_1', code: 'INVALID_CREDENTIALS' })
  t.notMatch(users.output(), /guess guess/, 'never the password')
})
