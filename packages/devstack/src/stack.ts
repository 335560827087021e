// The services of the stack, in start order: where they live, their port, role and schema.
import path from 'node:path'
import { repoRoot } from './paths.ts'

export interface ServiceSpec {
  name: 'users' | 'offers'
  port: number
  role: string
  schema: string
  server: string
}

function spec (name: ServiceSpec['name'], port: number): ServiceSpec {
  const dir = path.join(repoRoot, 'services', name, 'src')
  return { name, port, role: `${name}_svc`, schema: name, server: path.join(dir, 'server.ts') }
}

export const users = spec('users', 3001)
export const offers = spec('offers', 3002)
export const stack = [users, offers]
