// The node arguments a service's image starts it with, read from infra/Dockerfile: the bench runs what ships.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from '@app/devstack'

export const dockerfile = path.join(repoRoot, 'infra', 'Dockerfile')

/**
 * What stands between `node` and `dist/server.js` in the exec-form CMD of the stage `FROM … AS <service>`,
 * e.g. V8 heap flags. Any other shape is an error rather than a guess, so that the bench cannot drift from
 * the image unnoticed.
 */
export function imageNodeArgs (service: string, text = readFileSync(dockerfile, 'utf8')): string[] {
  const named = new RegExp(`^\\S+\\s+AS\\s+${service}\\s*$`, 'i')
  const stage = text.split(/^FROM\s+/m).find((s) => named.test(s.split('\n')[0]!))
  const cmd = stage?.match(/^CMD\s+(\[.*\])\s*$/m)?.[1]
  const args: unknown = cmd ? JSON.parse(cmd) : undefined
  const valid = Array.isArray(args) && args.every((a) => typeof a === 'string') &&
    args[0] === 'node' && args[args.length - 1] === 'dist/server.js'
  if (!valid) {
    throw new Error(`${dockerfile}: expected a stage "FROM … AS ${service}" with CMD ["node", …, "dist/server.js"]`)
  }
  return (args as string[]).slice(1, -1)
}
