// Starts the PostgreSQL the tests use: TEST_POSTGRES = auto | embedded | container | url.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort, initCluster, startCluster, stopCluster } from '@app/devstack'
import { defaultImage, removeContainer, startContainer } from './container.ts'
import type { TestState } from './state.ts'

/** Durability is worthless in tests; speed is not. */
export const testSettings = {
  fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300', shared_buffers: '128MB'
}

type StartedPostgres = Pick<TestState, 'kind' | 'adminUrl' | 'handle'>

async function embedded (): Promise<StartedPostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), 'test-pg-'))
  const dataDir = path.join(dir, 'data')
  const password = 'postgres-test'
  const port = await freePort()
  await initCluster({ dataDir, port, password })
  await startCluster({ dataDir, port, password, settings: testSettings })
  return { kind: 'embedded', adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, handle: dir }
}

async function container (): Promise<StartedPostgres> {
  const image = process.env.TEST_POSTGRES_IMAGE || defaultImage
  const { adminUrl, id } = await startContainer({ image, port: await freePort(), settings: testSettings })
  return { kind: 'container', adminUrl, handle: id }
}

function dockerLikely (): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock')
}

export async function startTestPostgres (mode = process.env.TEST_POSTGRES ?? 'auto'): Promise<StartedPostgres> {
  switch (mode) {
    case 'url': {
      const url = process.env.TEST_DATABASE_URL
      if (!url) throw new Error('TEST_POSTGRES=url needs TEST_DATABASE_URL (an admin URL)')
      return { kind: 'url', adminUrl: url }
    }
    case 'container': return container()
    case 'embedded': return embedded()
    case 'auto':
      if (dockerLikely()) {
        try {
          return await container()
        } catch (err) {
          const reason = (err as Error).message.split('\n')[0]
          process.stderr.write(`test postgres: no container (${reason}); using embedded\n`)
        }
      }
      return embedded()
    default: throw new Error(`TEST_POSTGRES must be auto, embedded, container or url (got "${mode}")`)
  }
}

export async function stopTestPostgres (state: Pick<TestState, 'kind' | 'handle'>): Promise<void> {
  if (state.kind === 'embedded' && state.handle) {
    await stopCluster(path.join(state.handle, 'data'))
    await rm(state.handle, { recursive: true, force: true })
  } else if (state.kind === 'container' && state.handle) {
    await removeContainer(state.handle)
  }
}
