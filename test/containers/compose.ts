// The stack as compose runs it on a loopback-only engine: the project's compose file plus the host-network variant.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { caFiles, freePort, paths, repoRoot } from '@app/devstack'
import { run } from './command.ts'

export interface Stack {
  usersUrl: string
  offersUrl: string
  ca: string
  /** runs `compose <args>` for this stack */
  compose: (...args: string[]) => Promise<string>
  /** the container id of a service */
  container: (service: string) => Promise<string>
}

const FILES = ['-f', 'docker-compose.yml', '-f', 'infra/compose.host-network.yml']

export async function defineStack (
  composeCommand: string[], images: { node: string, postgres: string }
): Promise<Stack> {
  const ports = { PG_PORT: await freePort(), USERS_PORT: await freePort(), OFFERS_PORT: await freePort() }
  const secret = () => randomBytes(12).toString('hex')
  const env = {
    ...process.env,
    COMPOSE_PROJECT_NAME: 'classifieds-containers-test',
    NODE_IMAGE: images.node,
    POSTGRES_IMAGE: images.postgres,
    POSTGRES_PASSWORD: secret(),
    USERS_DB_PASSWORD: secret(),
    OFFERS_DB_PASSWORD: secret(),
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)]))
  }
  const [file, ...base] = composeCommand
  const compose = (...args: string[]) =>
    run(file!, [...base, ...FILES, ...args], { env, cwd: repoRoot, timeoutMs: 300_000 })
  return {
    usersUrl: `https://localhost:${ports.USERS_PORT}`,
    offersUrl: `https://localhost:${ports.OFFERS_PORT}`,
    ca: await readFile(caFiles(paths.certs).cert, 'utf8'),
    compose,
    container: async (service) => (await compose('ps', '-q', service)).trim()
  }
}
