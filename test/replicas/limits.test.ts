// Two Users and two Offers replicas behind HAProxy: a forged X-Forwarded-For is ignored, the login limits hold
// across replicas (with the shared store on Redis), and refresh rotation and reuse detection hold when
// consecutive calls land on different replicas.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { BALANCER_ADDRESS, call, createTestDatabase, httpsRequest, startReplicaCluster } from '@app/testing'

t.setTimeout(180_000)
const LIMITS = { failures: 5, perAddressPerMinute: 10 }
const db = await createTestDatabase(t)
const cluster = await startReplicaCluster(t, {
  database: db,
  redis: true,
  usersEnv: {
    LOGIN_MAX_FAILURES: String(LIMITS.failures),
    LOGIN_MAX_FAILURES_PER_USERNAME: '1000',
    LOGIN_FAILURE_WINDOW_SECONDS: '900',
    LOGIN_MAX_PER_IP_PER_MINUTE: String(LIMITS.perAddressPerMinute),
    REGISTER_MAX_PER_IP_PER_HOUR: '1000'
  }
})
const replicas = cluster.users.length
const sharedStore = cluster.sharedLimitsRefused
  ? `Users refused the shared store at boot ("${cluster.sharedLimitsRefused}"): limits are per process on this build`
  : undefined
t.comment(`replicas: ${replicas} Users + ${cluster.offers.length} Offers behind HAProxy; services trust ` +
  `X-Forwarded-For from ${BALANCER_ADDRESS} only; shared limit store: ${cluster.redis ? cluster.redis.url : 'none'}`)

const runner = cluster.client('127.0.1.1')
const name = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`

async function register () {
  const username = name('rep')
  const password = 'correct horse battery'
  const res = await call(runner, `${cluster.usersUrl}/user/registry/`, {
    json: { username, email: `${username}@example.com`, password }
  })
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`)
  return { id: res.body.id as number, username, password }
}

/** The client address the replica that served `requestId` logged for it. */
function loggedClient (requestId: string): string | undefined {
  for (const r of cluster.users) {
    const line = r.output().split('\n').find((l) => l.includes(`"reqId":"${requestId}"`) && l.includes('"client"'))
    if (line) return (JSON.parse(line) as { client?: string }).client
  }
  return undefined
}

async function logged (requestId: string): Promise<string | undefined> {
  // the access line is written as the answer completes: a moment after the client has it
  for (let i = 0; i < 100; i++) {
    const client = loggedClient(requestId)
    if (client) return client
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return undefined
}

t.test('a forged X-Forwarded-For is ignored: through the balancer and around it', async (t) => {
  const forger = cluster.client('127.0.1.10')
  const through = await call(forger, `${cluster.usersUrl}/user/auth/`, {
    json: { username: name('nobody'), password: 'whatever pw' },
    headers: { 'x-forwarded-for': '203.0.113.77', 'x-request-id': 'forged-through' }
  })
  t.equal(through.status, 401)
  t.equal(await logged('forged-through'), '127.0.1.10', 'through the balancer: the address HAProxy saw')
  // straight to a replica: the client is not the balancer, so its header is not believed at all
  const direct = cluster.client('127.0.1.11')
  const around = await call(direct, `https://127.0.0.1:${cluster.users[0]!.port}/user/auth/`, {
    json: { username: name('nobody'), password: 'whatever pw' },
    headers: { 'x-forwarded-for': BALANCER_ADDRESS, 'x-request-id': 'forged-around' }
  })
  t.equal(around.status, 401)
  t.equal(await logged('forged-around'), '127.0.1.11', 'around the balancer: the socket address')

  // one client rotating forged addresses still meets its per-address limit
  const attempts = 2 * replicas * LIMITS.perAddressPerMinute + 2
  const rotating = cluster.client('127.0.1.12')
  let allowed = 0
  for (let i = 0; i < attempts; i++) {
    const res = await call(rotating, `${cluster.usersUrl}/user/auth/`, {
      json: { username: name('nobody'), password: 'whatever pw' },
      headers: { 'x-forwarded-for': `198.51.100.${i + 1}` }
    })
    if (res.status !== 429) allowed++
  }
  const most = LIMITS.perAddressPerMinute * (cluster.redis ? 1 : replicas)
  t.comment(`replicas: forged X-Forwarded-For: ${allowed} of ${attempts} logins allowed from one client forging a ` +
    `new address each time (limit ${LIMITS.perAddressPerMinute} per address${cluster.redis ? '' : ' per replica'})`)
  t.ok(allowed <= most, `at most ${most} allowed`)
})

t.test('the per-(username, address) failure limit holds across replicas', { skip: sharedStore }, async (t) => {
  const user = await register()
  const attacker = cluster.client('127.0.1.20')
  let failures = 0
  const servedBy = new Set<string>()
  for (let i = 0; i < LIMITS.failures * replicas + 2; i++) {
    const res = await call(attacker, `${cluster.usersUrl}/user/auth/`, {
      json: { username: user.username, password: `wrong password ${i}` }
    })
    servedBy.add(res.servedBy)
    if (res.status === 401) failures++
    else t.equal(res.status, 429, 'then locked')
  }
  t.comment(`replicas: failures allowed across replicas: ${failures} (want ${LIMITS.failures}), ` +
    `served by ${[...servedBy].sort().join(', ')}`)
  t.equal(failures, LIMITS.failures, `${LIMITS.failures} failures in all, not ${LIMITS.failures} per replica`)
  t.ok(servedBy.size > 1, 'the attempts landed on more than one replica')
  const owner = await call(cluster.client('127.0.1.21'), `${cluster.usersUrl}/user/auth/`, {
    json: { username: user.username, password: user.password }
  })
  t.equal(owner.status, 200, 'the owner, from another address, still logs in')
})

t.test('the per-address login limit holds across replicas', { skip: sharedStore }, async (t) => {
  const client = cluster.client('127.0.1.30')
  let allowed = 0
  for (let i = 0; i < LIMITS.perAddressPerMinute * replicas + 2; i++) {
    const res = await call(client, `${cluster.usersUrl}/user/auth/`, {
      json: { username: name('nobody'), password: 'whatever pw' }
    })
    if (res.status !== 429) allowed++
  }
  t.comment(`replicas: logins allowed per address across replicas: ${allowed} ` +
    `(want ${LIMITS.perAddressPerMinute})`)
  t.equal(allowed, LIMITS.perAddressPerMinute)
})

t.test('refresh rotation and reuse detection hold when consecutive calls land on different replicas', async (t) => {
  const user = await register()
  const client = cluster.client('127.0.1.40')
  const auth = (path: string, json: unknown) => call(client, `${cluster.usersUrl}/user/auth/${path}`, { json })
  const first = await auth('', { username: user.username, password: user.password })
  t.equal(first.status, 200)
  const second = await auth('refresh/', { refresh_token: first.body.refresh_token })
  t.equal(second.status, 200, 'rotated')
  const third = await auth('refresh/', { refresh_token: second.body.refresh_token })
  t.equal(third.status, 200, 'rotated again')
  const path = [first, second, third].map((r) => r.servedBy)
  t.not(path[0], path[1], 'the rotation was served by another replica than the login')
  t.not(path[1], path[2], 'and the next one by another again')
  // the access token of one replica is good on every replica
  const reads = [await call(client, `${cluster.usersUrl}/user/${user.id}/`, { token: third.body.access_token }),
    await call(client, `${cluster.usersUrl}/user/${user.id}/`, { token: third.body.access_token })]
  t.same(reads.map((r) => r.status), [200, 200])
  t.not(reads[0]!.servedBy, reads[1]!.servedBy, 'read on both replicas')

  const reused = await auth('refresh/', { refresh_token: first.body.refresh_token })
  t.equal(reused.status, 401, 'a used token presented again is refused')
  const revoked = await auth('refresh/', { refresh_token: third.body.refresh_token })
  t.equal(revoked.status, 401, 'and its whole session is revoked, on whichever replica asks next')
  t.not(reused.servedBy, revoked.servedBy)
  t.comment(`replicas: refresh chain served by ${[...path, reused.servedBy, revoked.servedBy].join(' → ')}: ` +
    'rotated twice, reuse refused (401), session revoked (401)')
})

t.test('each replica answers only over verified TLS, the balancer too', async (t) => {
  const refused = await httpsRequest(`${cluster.usersUrl}/health`).then((r) => r.status, (err: Error) => err.message)
  t.match(String(refused), /certificate/, 'a client without the cluster CA is refused by the balancer')
  const ok = await call(runner, `${cluster.offersUrl}/health`)
  t.equal(ok.status, 200)
  t.match(ok.servedBy, /^offers\d$/)
})
