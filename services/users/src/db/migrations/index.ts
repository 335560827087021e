// The users schema's migrations, in order. Never edit a released one: add a new file.
import type { Migration } from 'kysely'
import * as users from './20261122_01_users.ts'

export const migrations: Record<string, Migration> = {
  '20261122_01_users': users
}
