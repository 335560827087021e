// The images the container tests use: the official bases or local stand-ins, Redis for the test provider, and the
// project's own three.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from '@app/devstack'
import { run, runShown, succeeds } from './command.ts'

const OFFICIAL = { node: 'node:24-bookworm-slim', postgres: 'postgres:17-alpine' }
const STAND_INS = { node: 'local/node:24-bookworm-slim', postgres: 'local/postgres:15-bookworm' }
export const TARGETS = ['users', 'offers', 'migrate'] as const
export type Target = typeof TARGETS[number]
export const tag = (target: Target) => `classifieds-${target}:local`

const present = (image: string) => succeeds('docker', ['image', 'inspect', image])
const pullable = (image: string) => succeeds('docker', ['pull', '-q', image], { timeoutMs: 300_000 })

/**
 * The official images when they are here or can be pulled; otherwise stand-ins made by the shared
 * make-base-images.sh (registry-less machines: Debian + Node 24 from npm, Debian's PostgreSQL 15).
 */
export async function baseImages (log: (msg: string) => void): Promise<typeof OFFICIAL> {
  const official = async (image: string) => await present(image) || await pullable(image)
  if (await official(OFFICIAL.node) && await official(OFFICIAL.postgres)) return OFFICIAL
  // made by an earlier run: the script is idempotent, but need not be at hand
  if (await present(STAND_INS.node) && await present(STAND_INS.postgres)) return STAND_INS
  const script = path.resolve(
    process.env.SHARED_DIR ?? path.join(repoRoot, '..', 'shared'), 'containers', 'make-base-images.sh'
  )
  if (!existsSync(script)) {
    throw new Error(`the official images cannot be pulled and ${script} is not here to make stand-ins`)
  }
  log(`the official images cannot be pulled: making stand-ins with ${script}`)
  const code = await runShown('bash', [script])
  if (code !== 0) throw new Error(`${script} exited with ${code}`)
  return STAND_INS
}

const REDIS = { official: 'redis:7', standIn: 'local/redis:7-bookworm', base: 'local/debian:bookworm' }

/**
 * The image for the integration suite's TEST_REDIS=container: the official redis:7 when it is here or can be pulled;
 * otherwise a stand-in (Debian's redis-server, test/containers/images/redis) built once on the Debian stand-in and
 * kept in the engine, so later runs skip both the pull and the build.
 */
export async function redisImage (log: (msg: string) => void): Promise<string> {
  if (await present(REDIS.official)) return REDIS.official
  if (await present(REDIS.standIn)) return REDIS.standIn
  if (await pullable(REDIS.official)) return REDIS.official
  const base = await present(REDIS.base) ? REDIS.base : 'debian:bookworm-slim'
  log(`${REDIS.official} cannot be pulled: building ${REDIS.standIn} on ${base}`)
  const code = await runShown('docker', [
    'build', '--network=host', '--build-arg', `BASE_IMAGE=${base}`, '-t', REDIS.standIn,
    path.join('test', 'containers', 'images', 'redis')
  ], { cwd: repoRoot })
  if (code !== 0) throw new Error(`docker build of ${REDIS.standIn} exited with ${code}`)
  return REDIS.standIn
}

/** Builds one target of infra/Dockerfile on the host's network; a rerun reuses the engine's build cache. */
export async function buildImage (target: Target, nodeImage: string): Promise<void> {
  const code = await runShown('docker', [
    'build', '--network=host', '-f', 'infra/Dockerfile', '--target', target,
    '--build-arg', `NODE_IMAGE=${nodeImage}`, '-t', tag(target), '.'
  ], { cwd: repoRoot })
  if (code !== 0) throw new Error(`docker build --target ${target} exited with ${code}`)
}

/** Bytes an image adds above its base image (the sum of its own layers, as `docker history` lists them). */
export async function bytesAbove (image: string, base: string): Promise<number> {
  const size = async (name: string) =>
    Number((await run('docker', ['image', 'inspect', '-f', '{{.Size}}', name])).trim())
  return await size(image) - await size(base)
}

/**
 * The packages an image installs beside its bundle (only what cannot be bundled, such as a native addon), by name;
 * none at all is an empty list.
 */
export async function installedPackages (image: string): Promise<string[]> {
  const out = await run('docker', [
    'run', '--rm', '--network', 'host', '--entrypoint', 'sh', image, '-c',
    'cd /app/bundle/node_modules 2>/dev/null && for d in * @*/*; do [ -d "$d" ] && echo "$d"; done; true'
  ])
  return out.split('\n').filter((name) => name && !/^@[^/]*$/.test(name))
}

/** TypeScript sources in an image's /app: it ships one bundled JavaScript file per entry. */
export async function typeScriptSources (image: string): Promise<string[]> {
  const out = await run('docker', ['run', '--rm', '--network', 'host', '--entrypoint', 'find', image,
    '/app', '-name', '*.ts', '-not', '-name', '*.d.ts', '-not', '-path', '*/node_modules/*'])
  return out.split('\n').filter(Boolean)
}
