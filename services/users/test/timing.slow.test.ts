// Slow and timing-dependent: bcrypt's cost measured against the clock, and a failure window waited out.
// Apart from the fast tests so that a slow or busy machine is seen here first.
import t from 'tap'
import { buildTestApp } from './helpers/app.ts'
import { register, uniqueName } from './helpers/users.ts'
import { createTestDatabase } from '@app/testing'

const db = await createTestDatabase(t)

t.test('an unknown username costs the same bcrypt time as a wrong password', async (t) => {
  // cost 8 (~15 ms) makes the hash dominate; without the dummy comparison an unknown user answers in ~1 ms
  const slow = await buildTestApp(t, { db, env: { BCRYPT_COST: '8' } })
  const user = await register(slow.app)
  const time = async (username: string) => {
    const started = process.hrtime.bigint()
    const res = await slow.app.inject({
      method: 'POST',
      url: '/user/auth/',
      payload: { username, password: 'wrong password' }
    })
    t.equal(res.statusCode, 401)
    return Number(process.hrtime.bigint() - started) / 1e6
  }
  const wrong: number[] = []
  const unknown: number[] = []
  for (let i = 0; i < 5; i++) {
    wrong.push(await time(user.username))
    unknown.push(await time(uniqueName('ghost')))
  }
  t.ok(
    Math.min(...unknown) > 0.5 * Math.min(...wrong),
    `unknown ${Math.min(...unknown).toFixed(1)} ms vs wrong ${Math.min(...wrong).toFixed(1)} ms`
  )
})

t.test('the failure window ends: allowed again once the failures are older than it', async (t) => {
  const short = await buildTestApp(t, { db, env: { LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_SECONDS: '1' } })
  const user = await register(short.app)
  const attempt = (password: string) => short.app.inject({
    method: 'POST',
    url: '/user/auth/',
    remoteAddress: '10.1.0.1',
    payload: { username: user.username, password }
  })
  for (let i = 0; i < 3; i++) t.equal((await attempt('wrong password')).statusCode, 401)
  const locked = await attempt(user.password)
  t.equal(locked.statusCode, 429)
  t.equal(locked.headers['retry-after'], '1')
  await new Promise((resolve) => setTimeout(resolve, 1100))
  t.equal((await attempt(user.password)).statusCode, 200)
})
