// `pnpm test:containers`: a Docker engine (started here when none answers), the images, the stack suite, then the
// integration suite on a PostgreSQL container and a Redis container. A machine that can do none of it skips with one
// line, unless REQUIRE_CONTAINERS=1 (as in .ci/run) makes that a failure.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { ensureCertificates, ensureJwtKeys, paths, repoRoot, TS_NODE_ARGS } from '@app/devstack'
import { runShown } from './command.ts'
import { cannotRun, engineVersion, ensureEngine } from './engine.ts'
import { baseImages, buildImage, redisImage, TARGETS } from './images.ts'

const log = (msg: string) => process.stdout.write(`[containers] ${msg}\n`)
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`

const reason = await cannotRun()
if (reason) {
  log(`skipped: ${reason}`)
  process.exit(process.env.REQUIRE_CONTAINERS === '1' ? 1 : 0)
}

const artifacts = path.join(repoRoot, 'test-artifacts')
mkdirSync(artifacts, { recursive: true })
const engine = await ensureEngine(path.join(artifacts, 'dockerd.log'), log)
const results: Array<[string, boolean]> = []
try {
  log(`engine ${await engineVersion()}, compose: ${engine.compose.join(' ')}`)
  await ensureCertificates(paths.certs, ['users', 'offers'])
  await ensureJwtKeys(paths.jwt)
  const images = await baseImages(log)
  log(`base images: ${images.node}, ${images.postgres}`)
  let started = Date.now()
  const redis = await redisImage(log)
  log(`redis image: ${redis} (${seconds(started)})`)
  for (const target of TARGETS) {
    started = Date.now()
    await buildImage(target, images.node)
    log(`built classifieds-${target}:local in ${seconds(started)}`)
  }

  started = Date.now()
  const stack = await runShown(process.execPath, [...TS_NODE_ARGS, 'test/containers/stack.test.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      STACK_COMPOSE: JSON.stringify(engine.compose),
      STACK_NODE_IMAGE: images.node,
      STACK_POSTGRES_IMAGE: images.postgres
    }
  })
  results.push(['the stack from compose', stack === 0])
  log(`stack suite ${stack === 0 ? 'passed' : 'FAILED'} in ${seconds(started)}`)

  started = Date.now()
  // Every test that uses the run's Redis (the shared limits, the store's own tests) runs on the container, and
  // REQUIRE_REDIS=1 makes a Redis that cannot start a failure, never a skip.
  const integration = await runShown(path.join(repoRoot, 'node_modules', '.bin', 'tap'), [], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TEST_POSTGRES: 'container',
      TEST_POSTGRES_IMAGE: images.postgres,
      TEST_REDIS: 'container',
      TEST_REDIS_IMAGE: redis,
      REQUIRE_REDIS: '1'
    }
  })
  results.push(['the integration suite on PostgreSQL and Redis containers', integration === 0])
  log(`integration suite on ${images.postgres} and ${redis} ${integration === 0 ? 'passed' : 'FAILED'} ` +
    `in ${seconds(started)}`)
} catch (err) {
  results.push([(err as Error).message, false])
} finally {
  await engine.stop()
}
for (const [name, ok] of results) log(`${ok ? 'ok' : 'FAILED'}: ${name}`)
const failed = results.filter(([, ok]) => !ok).length
log(`${results.length - failed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
