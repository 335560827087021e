// TEST_REDIS=container: a Valkey/Redis image run on a free loopback port without persistence, the run's own when
// asked for, and gone once stopped. Needs an engine: runs where TEST_REDIS=container is set (pnpm test:containers).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { Redis } from 'ioredis'
import { readState } from '../src/index.ts'
import { runtimeClient } from '../src/container.ts'
import { startTestRedis, stopTestRedis } from '../src/redis.ts'

const dir = await mkdtemp(path.join(tmpdir(), 'test-redis-provider-'))
t.teardown(() => rm(dir, { recursive: true, force: true }))

t.test('an unknown TEST_REDIS is named with the choices', async (t) => {
  await t.rejects(startTestRedis(dir, 'docker'),
    { message: 'TEST_REDIS must be auto, server, container, url or none (got "docker")' })
})

const asked = process.env.TEST_REDIS === 'container'
const skip = asked ? false : 'TEST_REDIS is not "container" (pnpm test:containers sets it, with an engine)'

t.test('the run\'s Redis is the container it asked for', { skip }, async (t) => {
  const state = readState().redis
  t.match(state, { url: /^redis:\/\/127\.0\.0\.1:\d+$/, container: /^[0-9a-f]{64}$/ }, 'a container, on loopback')
  const { container } = await runtimeClient()
  const info = await container.getById(state!.container!).inspect()
  t.equal(info.State.Running, true, `running ${info.Config.Image}`)
  t.equal(info.HostConfig.NetworkMode, 'host', 'on the host\'s network, no published ports')
})

t.test('TEST_REDIS=container: a server without persistence, removed by stopTestRedis', { skip }, async (t) => {
  const started = Date.now()
  const state = await startTestRedis(dir, 'container')
  const ms = Date.now() - started
  t.teardown(() => stopTestRedis(state))
  t.comment(`${process.env.TEST_REDIS_IMAGE ?? 'the default image'} answered ${ms} ms after the start`)
  t.ok(state?.container && !state.pid, 'a container, not a process of ours')

  const client = new Redis(state!.url, { maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on('error', () => {})
  t.teardown(() => client.disconnect())
  t.equal(await client.ping(), 'PONG')
  const config = async (name: string) => (await client.config('GET', name) as string[])[1]
  t.equal(await config('save'), '', 'no snapshots')
  t.equal(await config('appendonly'), 'no', 'no append-only file')
  t.equal(await config('maxmemory-policy'), 'noeviction', 'a full server refuses writes, evicts no limit keys')
  t.equal(await config('bind'), '127.0.0.1', 'loopback only')
  t.match(await client.info('server'), /redis_version:[6-9]\./, 'Redis 6 or later (or Valkey, which reports 7.2)')

  await stopTestRedis(state)
  const { container } = await runtimeClient()
  const gone = await container.getById(state!.container!).inspect().then(() => 200, (err: { statusCode?: number }) =>
    err.statusCode)
  t.equal(gone, 404, 'the container is gone')
  await t.rejects(client.ping(), 'nothing answers on its port')
})
