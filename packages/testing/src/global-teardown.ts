// tap --after: stops the run's PostgreSQL and Redis and removes their files, so neither outlives the tests.
import { rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { stopTestPostgres } from './provider.ts'
import { stopTestRedis } from './redis.ts'
import { readState, stateDir, stateFile } from './state.ts'

if (existsSync(stateFile)) {
  const state = readState()
  await stopTestRedis(state.redis)
  await stopTestPostgres(state)
  await rm(stateDir, { recursive: true, force: true })
}
