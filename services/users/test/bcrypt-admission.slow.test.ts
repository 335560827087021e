// Slow: password hashing is admission-controlled. A flood of 300 logins from 300 addresses, 100 at a time, gets
// only 401, 429 or 503 (with Retry-After), never a 500, and the logins that were admitted answer in bounded time.
import t from 'tap'
import { setup } from './helpers/app.ts'
import { register } from './helpers/users.ts'

const { app } = await setup(t, { env: { BCRYPT_COST: '10', BCRYPT_MAX_QUEUE: '8' } })
const user = await register(app)

t.test('300 logins from 300 addresses, 100 at a time: 401/429/503 only, the admitted ones bounded', async (t) => {
  const answers: Array<{ status: number, ms: number, retryAfter?: string }> = []
  const attempt = async (i: number) => {
    const started = performance.now()
    const res = await app.inject({
      method: 'POST',
      url: '/user/auth/',
      remoteAddress: `10.${i >> 8}.${i & 255}.9`,
      payload: { username: user.username, password: `wrong password ${i}` }
    })
    answers.push({
      status: res.statusCode,
      ms: performance.now() - started,
      retryAfter: res.headers['retry-after'] as string
    })
  }
  for (let batch = 0; batch < 3; batch++) {
    await Promise.all(Array.from({ length: 100 }, (_, i) => attempt(batch * 100 + i)))
  }
  const count = (status: number) => answers.filter((a) => a.status === status).length
  t.same([...new Set(answers.map((a) => a.status))].filter((s) => ![401, 429, 503].includes(s)), [], 'no other status')
  t.ok(count(503) > 0, `the queue refused the excess: ${count(503)} × 503`)
  t.ok(answers.filter((a) => a.status === 503).every((a) => a.retryAfter === '1'), 'each 503 says Retry-After: 1')
  const admitted = answers.filter((a) => a.status === 401).map((a) => a.ms).sort((a, b) => a - b)
  const p99 = admitted[Math.floor(admitted.length * 0.99)] ?? 0
  t.comment(`401: ${count(401)}, 429: ${count(429)}, 503: ${count(503)}; p99 of the admitted: ${p99.toFixed(0)} ms`)
  t.ok(admitted.length > 0 && p99 < 10_000, `admitted logins answered within a bounded time (p99 ${p99.toFixed(0)} ms)`)
})
