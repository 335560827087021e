// The file through which the test run's PostgreSQL and Redis reach every test process (tap runs each file apart).
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { repoRoot } from '@app/devstack'

export const stateDir = path.join(repoRoot, '.tap', 'run')
export const stateFile = path.join(stateDir, 'test-postgres.json')
export const certsDir = path.join(stateDir, 'certs')
export const TEMPLATE_DB = 'app_template'

export interface TestState {
  kind: 'embedded' | 'container' | 'url'
  adminUrl: string
  passwords: { users_svc: string, offers_svc: string }
  /** embedded: the temp dir to stop and remove; container: the container id */
  handle?: string
  /** the run's Valkey/Redis, when there is one (see redis.ts) */
  redis?: TestRedisState
}

export interface TestRedisState {
  url: string
  /** a redis-server started for the run: stopped by --after */
  pid?: number
  /** the id of a container started for the run (TEST_REDIS=container): removed by --after */
  container?: string
}

export async function writeState (state: TestState): Promise<void> {
  await mkdir(stateDir, { recursive: true })
  await writeFile(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 })
}

export function readState (): TestState {
  if (!existsSync(stateFile)) {
    throw new Error(`No test PostgreSQL: ${stateFile} is missing. ` +
      'Run the tests with "pnpm test" (its --before script starts one).')
  }
  return JSON.parse(readFileSync(stateFile, 'utf8')) as TestState
}
