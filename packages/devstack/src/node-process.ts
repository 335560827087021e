// Runs an entry point of the repository in its own Node process: compiled JavaScript as is, TypeScript through tsx.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { repoRoot } from './paths.ts'

/** Workspace packages resolve to src/*.ts under the `development` condition (dist/*.js otherwise). */
export const TS_NODE_ARGS = ['--conditions=development', '--import', 'tsx']

/** Plain `node [nodeArgs] file`, as the production image runs a service; nodeArgs e.g. `--cpu-prof`. */
export function spawnNode (
  file: string, env: Record<string, string>, stdio: StdioOptions = 'inherit', nodeArgs: string[] = []
): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, file], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio
  })
}

/** nodeArgs go before the entry file, e.g. `--cpu-prof` (which NODE_OPTIONS does not accept). */
export function spawnTs (
  file: string, env: Record<string, string>, stdio: StdioOptions = 'inherit', nodeArgs: string[] = []
): ChildProcess {
  return spawnNode(file, env, stdio, [...nodeArgs, ...TS_NODE_ARGS])
}
