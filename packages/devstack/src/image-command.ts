// The node arguments a service's image starts it with, read from infra/Dockerfile: the bench, the fault suite and the
// replica tests run what ships.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from './paths.ts'

export const dockerfile = path.join(repoRoot, 'infra', 'Dockerfile')

/** The entry each service's image runs, relative to the service's directory: `pnpm build`'s bundle. */
export const IMAGE_ENTRY = 'bundle/server.mjs'

/**
 * What stands between `node` and `bundle/server.mjs` in the exec-form CMD that the stage `FROM … AS <service>` runs
 * (its own, or the one of the stage it is built `FROM`), e.g. V8 heap flags. Any other shape is an error rather
 * than a guess, so that what runs the build cannot drift from the image unnoticed.
 */
export function imageNodeArgs (service: string, text = readFileSync(dockerfile, 'utf8')): string[] {
  const stages = text.split(/^FROM\s+/m).slice(1)
  const named = (name: string) =>
    stages.find((s) => new RegExp(`^\\S+\\s+AS\\s+${name}\\s*$`, 'i').test(s.split('\n')[0]!))
  let stage = named(service)
  // a stage without a CMD of its own inherits its base stage's
  while (stage && !/^CMD\s/m.test(stage)) stage = named(stage.split(/\s+/)[0]!)
  const cmd = stage?.match(/^CMD\s+(\[.*\])\s*$/m)?.[1]
  const args: unknown = cmd ? JSON.parse(cmd) : undefined
  const valid = Array.isArray(args) && args.every((a) => typeof a === 'string') &&
    args[0] === 'node' && args[args.length - 1] === IMAGE_ENTRY
  if (!valid) {
    throw new Error(`${dockerfile}: expected a stage "FROM … AS ${service}" with CMD ["node", …, "${IMAGE_ENTRY}"]`)
  }
  return (args as string[]).slice(1, -1)
}
