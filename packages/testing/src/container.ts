// The test run's PostgreSQL and Redis in containers (testcontainers), on the host's network, removed by tap --after.
import { randomBytes, randomUUID } from 'node:crypto'
import type { GenericContainer, StartedTestContainer } from 'testcontainers'

export const defaultImage = 'postgres:17-alpine'
/** The official image; `local/redis:7-bookworm` (test/containers/images/redis) stands in where none can be pulled. */
export const defaultRedisImage = 'redis:7'
/** On every container started here: `docker ps -a --filter label=classifieds.test-postgres` finds them. */
const labels = { postgres: 'classifieds.test-postgres', redis: 'classifieds.test-redis' }

export interface ContainerOptions {
  port: number
  /** `-c name=value` server settings */
  settings: Record<string, string>
  image: string
}

/**
 * The container outlives the --before process that starts it, so Ryuk (which reaps a session's containers when
 * that process exits) stays off and global-teardown removes it. A value set in the environment wins.
 */
function containerEnv (): void {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true'
  // Host networking puts the server on the engine's host: this one, unless DOCKER_HOST is tcp://, whose host name
  // testcontainers takes itself. Unset, testcontainers run inside a container looks for a bridge network's gateway.
  if (!/^(tcp|https?):/.test(process.env.DOCKER_HOST ?? '')) process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1'
}

type Kind = keyof typeof labels
type Testcontainers = typeof import('testcontainers')

/**
 * Starts `image` labelled for `kind` on the host's network (no published ports, so an engine without a bridge
 * network, --bridge=none, runs it too), as `configure` sets it up.
 */
async function startLabelled (
  kind: Kind, image: string, configure: (c: GenericContainer, tc: Testcontainers) => GenericContainer
): Promise<StartedTestContainer> {
  containerEnv()
  const tc = await import('testcontainers')
  const startId = randomUUID()
  try {
    const container = new tc.GenericContainer(image).withLabels({ [labels[kind]]: startId }).withNetworkMode('host')
    return await configure(container, tc).withStartupTimeout(60_000).start()
  } catch (err) {
    // testcontainers removes a container that started and never got ready, not one whose process could not start.
    await removeContainers(kind, startId).catch(() => undefined)
    throw err
  }
}

export async function startContainer (opts: ContainerOptions): Promise<{ adminUrl: string, id: string }> {
  const password = randomBytes(12).toString('hex')
  const flags = Object.entries(opts.settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])
  const pg = await startLabelled('postgres', opts.image, (c, { Wait }) => c
    .withEnvironment({ POSTGRES_PASSWORD: password, POSTGRES_USER: 'postgres' })
    .withCommand(['postgres', '-p', String(opts.port), ...flags])
    // Not the log line: the official image prints it twice (its init server, socket only, then the real one),
    // a Debian-based one once. Over TCP only the real server answers.
    .withWaitStrategy(Wait.forSuccessfulCommand(`pg_isready --quiet --host 127.0.0.1 --port ${opts.port}`)))
  return { adminUrl: `postgres://postgres:${password}@${pg.getHost()}:${opts.port}/postgres`, id: pg.getId() }
}

/**
 * A Valkey/Redis server on `port` of the host's loopback, without persistence, as the run's (TEST_REDIS=container):
 * only arguments, which the official redis and valkey images and the stand-in all give to the server.
 */
export async function startRedisContainer (
  opts: { image: string, port: number }
): Promise<{ url: string, id: string }> {
  const redis = await startLabelled('redis', opts.image, (c, { Wait }) => c
    .withCommand(['--port', String(opts.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      // as the process server (devstack's redis.ts): a full server refuses writes rather than evicting limit keys
      '--maxmemory-policy', 'noeviction'])
    // printed once, after the server listens ("… connections tcp" in 7.2 and Valkey, without "tcp" in 7.0)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/, 1)))
  return { url: `redis://${redis.getHost()}:${opts.port}`, id: redis.getId() }
}

/** testcontainers' client of the engine, with this file's environment defaults. */
export async function runtimeClient () {
  containerEnv()
  const { getContainerRuntimeClient } = await import('testcontainers')
  return getContainerRuntimeClient()
}

async function removeContainers (kind: Kind, startId: string): Promise<void> {
  const { dockerode } = (await runtimeClient()).container
  const found = await dockerode.listContainers({ all: true, filters: { label: [`${labels[kind]}=${startId}`] } })
  await Promise.all(found.map((c) => removeContainer(c.Id)))
}

/** Removes the container and its anonymous data volume; one already gone is fine. */
export async function removeContainer (id: string): Promise<void> {
  const client = await runtimeClient()
  await client.container.getById(id).remove({ force: true, v: true }).catch((err: { statusCode?: number }) => {
    if (err.statusCode !== 404) throw err
  })
}
