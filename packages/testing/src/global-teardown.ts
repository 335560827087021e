// tap --after: stops the run's PostgreSQL and removes its files, so no postgres outlives the tests.
import { rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { stopTestPostgres } from './provider.ts'
import { readState, stateDir, stateFile } from './state.ts'

if (existsSync(stateFile)) {
  await stopTestPostgres(readState())
  await rm(stateDir, { recursive: true, force: true })
}
