// The test PostgreSQL in a container (testcontainers), on the host's network, removed by tap --after.
import { randomBytes, randomUUID } from 'node:crypto'

export const defaultImage = 'postgres:17-alpine'
/** On every container started here: `docker ps -a --filter label=classifieds.test-postgres` finds them. */
const label = 'classifieds.test-postgres'

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

export async function startContainer (opts: ContainerOptions): Promise<{ adminUrl: string, id: string }> {
  containerEnv()
  const { GenericContainer, Wait } = await import('testcontainers')
  const password = randomBytes(12).toString('hex')
  const flags = Object.entries(opts.settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])
  const startId = randomUUID()
  try {
    const pg = await new GenericContainer(opts.image)
      .withLabels({ [label]: startId })
      // No published ports, so an engine without a bridge network (--bridge=none) runs it too.
      .withNetworkMode('host')
      .withEnvironment({ POSTGRES_PASSWORD: password, POSTGRES_USER: 'postgres' })
      .withCommand(['postgres', '-p', String(opts.port), ...flags])
      // Not the log line: the official image prints it twice (its init server, socket only, then the real one),
      // a Debian-based one once. Over TCP only the real server answers.
      .withWaitStrategy(Wait.forSuccessfulCommand(`pg_isready --quiet --host 127.0.0.1 --port ${opts.port}`))
      .withStartupTimeout(60_000)
      .start()
    return { adminUrl: `postgres://postgres:${password}@${pg.getHost()}:${opts.port}/postgres`, id: pg.getId() }
  } catch (err) {
    // testcontainers removes a container that started and never got ready, not one whose process could not start.
    await removeContainers(startId).catch(() => undefined)
    throw err
  }
}

async function removeContainers (startId: string): Promise<void> {
  const { getContainerRuntimeClient } = await import('testcontainers')
  const { dockerode } = (await getContainerRuntimeClient()).container
  const found = await dockerode.listContainers({ all: true, filters: { label: [`${label}=${startId}`] } })
  await Promise.all(found.map((c) => removeContainer(c.Id)))
}

/** Removes the container and its anonymous data volume; one already gone is fine. */
export async function removeContainer (id: string): Promise<void> {
  containerEnv()
  const { getContainerRuntimeClient } = await import('testcontainers')
  const client = await getContainerRuntimeClient()
  await client.container.getById(id).remove({ force: true, v: true }).catch((err: { statusCode?: number }) => {
    if (err.statusCode !== 404) throw err
  })
}
