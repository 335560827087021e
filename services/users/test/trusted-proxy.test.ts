// Behind a trusted proxy (TRUST_PROXY) every login limit keys on the client the proxy forwarded; anyone else's
// X-Forwarded-For changes nothing.
import t from 'tap'
import { setup } from './helpers/app.ts'
import { register } from './helpers/users.ts'

const { app } = await setup(t, {
  env: {
    LOGIN_MAX_FAILURES: '3',
    LOGIN_MAX_FAILURES_PER_USERNAME: '100',
    LOGIN_FAILURE_WINDOW_SECONDS: '60',
    LOGIN_MAX_PER_IP_PER_MINUTE: '8',
    TRUST_PROXY: '10.9.0.0/16'
  }
})

t.test('the failure limit and the per-address limit key on the forwarded client', async (t) => {
  const user = await register(app)
  const via = (proxy: string, forwardedFor: string, password = user.password) => app.inject({
    method: 'POST',
    url: '/user/auth/',
    remoteAddress: proxy,
    headers: { 'x-forwarded-for': forwardedFor },
    payload: { username: user.username, password }
  })
  for (let i = 0; i < 3; i++) t.equal((await via('10.9.0.1', '198.51.100.31', 'wrong password')).statusCode, 401)
  t.equal((await via('10.9.0.2', '198.51.100.31')).statusCode, 429, 'that client is locked, through any proxy')
  t.equal((await via('10.9.0.1', '198.51.100.32')).statusCode, 200, 'another client behind the same proxy is not')
  for (let i = 0; i < 8; i++) t.equal((await via('10.9.0.1', '198.51.100.33')).statusCode, 200)
  t.equal((await via('10.9.0.1', '198.51.100.33')).statusCode, 429, 'the per-address limit: the forwarded client')
  t.equal((await via('10.9.0.1', '198.51.100.34')).statusCode, 200, 'not the proxy')
})

t.test('an untrusted sender cannot escape its limit by forging X-Forwarded-For', async (t) => {
  const user = await register(app)
  const forged = (i: number) => app.inject({
    method: 'POST',
    url: '/user/auth/',
    remoteAddress: '10.0.9.9',
    headers: { 'x-forwarded-for': `203.0.113.${i}` },
    payload: { username: user.username, password: user.password }
  })
  for (let i = 0; i < 8; i++) t.equal((await forged(i)).statusCode, 200)
  t.equal((await forged(99)).statusCode, 429, 'limited as 10.0.9.9, whatever the header says')
})
