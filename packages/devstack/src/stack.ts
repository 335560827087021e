// The services of the stack, in start order: where they live, their port, role and schema.
import path from 'node:path'
import { repoRoot } from './paths.ts'

export interface ServiceSpec {
  name: 'users' | 'offers'
  port: number
  role: string
  schema: string
  /** the TypeScript entry, run through tsx on the packages' sources (`pnpm start`, tests) */
  server: string
  /** the bundled entry of `pnpm build`, run by plain node as the production image does */
  built: string
  /** `tsc`'s output before bundling, one file per module: what `pnpm bench --profile` runs, to tell packages apart */
  compiled: string
}

function spec (name: ServiceSpec['name'], port: number): ServiceSpec {
  const dir = path.join(repoRoot, 'services', name)
  const server = path.join(dir, 'src', 'server.ts')
  const built = path.join(dir, 'bundle', 'server.mjs')
  const compiled = path.join(dir, 'dist', 'server.js')
  return { name, port, role: `${name}_svc`, schema: name, server, built, compiled }
}

export const users = spec('users', 3001)
export const offers = spec('offers', 3002)
export const stack = [users, offers]
