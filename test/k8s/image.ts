// What the infra/k8s tests read from elsewhere in the repository: the images' ports and commands (infra/Dockerfile)
// and the services' shutdown grace (service-kit's server.ts), so the manifests are checked against the real values.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from '@app/devstack'
import { SHUTDOWN_GRACE_MS } from '@app/service-kit'

const dockerfile = readFileSync(path.join(repoRoot, 'infra', 'Dockerfile'), 'utf8')

/** The instructions of one build target, up to the next FROM. */
function stage (target: string): string {
  const start = dockerfile.search(new RegExp(`^FROM \\S+ AS ${target}$`, 'm'))
  if (start < 0) throw new Error(`infra/Dockerfile has no target ${target}`)
  const next = dockerfile.slice(start + 1).search(/^FROM /m)
  return next < 0 ? dockerfile.slice(start) : dockerfile.slice(start, start + 1 + next)
}

/** The PORT an image's ENV sets. */
export function imagePort (target: string): number {
  const port = /^ENV PORT=(\d+)$/m.exec(stage(target))?.[1]
  if (port === undefined) throw new Error(`infra/Dockerfile: no ENV PORT in target ${target}`)
  return Number(port)
}

/** The exec-form CMD of an image. */
export function imageCommand (target: string): string[] {
  const cmd = /^CMD (\[.*\])$/m.exec(stage(target))?.[1]
  if (cmd === undefined) throw new Error(`infra/Dockerfile: no CMD in target ${target}`)
  return JSON.parse(cmd) as string[]
}

/** The environment every runtime image sets (ENV lines of the runtime stage). */
export function imageEnv (): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [, pairs] of stage('runtime').matchAll(/^ENV (.+)$/gm)) {
    for (const [, name, value] of (pairs ?? '').matchAll(/(\w+)=(\S+)/g)) env[name!] = value!
  }
  return env
}

/** close-with-grace's delay: how long a service lets in-flight requests finish after SIGTERM. */
export function shutdownGraceMs (): number {
  return SHUTDOWN_GRACE_MS
}
