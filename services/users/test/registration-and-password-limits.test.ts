// Registration and password checks are limited: registrations and password changes per address, and a wrong
// current_password counts against the account's failure limit (an access-token thief gets no unlimited guesses).
// The same tests with the limits in memory and in Redis.
import t from 'tap'
import { buildTestApp, setup } from './helpers/app.ts'
import { storeVariants } from './helpers/stores.ts'
import { login, register, uniqueName } from './helpers/users.ts'

const env = { REGISTER_MAX_PER_IP_PER_HOUR: '3', PASSWORD_CHANGE_MAX_PER_IP_PER_HOUR: '2', LOGIN_MAX_FAILURES: '3' }
for (const variant of storeVariants) {
  t.test(`limits kept ${variant.name === 'redis' ? 'in Redis' : 'in memory'}`, { skip: variant.skip }, async (t) => {
    const { app, db } = await setup(t, { env: { ...env, ...await variant.env(t) } })
    const registerFrom = (remoteAddress: string) => {
      const username = uniqueName('r')
      return app.inject({
        method: 'POST',
        url: '/user/registry/',
        remoteAddress,
        payload: { username, email: `${username}@example.com`, password: 'correct horse battery' }
      })
    }

    t.test('registrations per address: REGISTER_MAX_PER_IP_PER_HOUR, then 429 with Retry-After', async (t) => {
      for (let i = 0; i < 3; i++) t.equal((await registerFrom('203.0.113.10')).statusCode, 201)
      const limited = await registerFrom('203.0.113.10')
      t.equal(limited.statusCode, 429)
      t.match(limited.json(), { code: 'TOO_MANY_REQUESTS' })
      t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After')
      t.equal((await registerFrom('203.0.113.11')).statusCode, 201, 'another address registers')
    })

    t.test('password changes per address; changes without a password are not counted', async (t) => {
      const user = await register(app)
      const token = (await login(app, user.username, user.password)).access_token
      const patch = (payload: object) => app.inject({
        method: 'PATCH',
        url: `/user/${user.id}/`,
        remoteAddress: '203.0.113.20',
        headers: { authorization: `Bearer ${token}` },
        payload
      })
      for (let i = 0; i < 3; i++) t.equal((await patch({ email: `${uniqueName('e')}@example.com` })).statusCode, 200)
      for (let i = 0; i < 2; i++) {
        t.equal((await patch({ password: 'wrong password x', current_password: 'not the one' })).statusCode, 401)
      }
      const limited = await patch({ password: 'another password', current_password: user.password })
      t.equal(limited.statusCode, 429)
      t.match(limited.json(), { code: 'TOO_MANY_REQUESTS' })
    })

    t.test('seven wrong current_password in a row: locked after LOGIN_MAX_FAILURES, not seven 401s', async (t) => {
      const thief = await buildTestApp(t, { db, env: { LOGIN_MAX_FAILURES: '5', ...await variant.env(t) } })
      const user = await register(thief.app)
      const token = (await login(thief.app, user.username, user.password)).access_token
      const statuses: string[] = []
      for (let i = 0; i < 7; i++) {
        const res = await thief.app.inject({
          method: 'PATCH',
          url: `/user/${user.id}/`,
          remoteAddress: '198.51.100.66',
          headers: { authorization: `Bearer ${token}` },
          payload: { password: 'brand new password', current_password: `guess ${i}` }
        })
        statuses.push(`${res.statusCode} ${res.json<{ code: string }>().code}`)
      }
      t.same(statuses, [
        ...Array(5).fill('401 INVALID_CURRENT_PASSWORD'),
        ...Array(2).fill('429 TOO_MANY_FAILED_LOGINS')
      ])
    })
  })
}
