// Runs a TypeScript entry point of the repository in its own Node process (through tsx, on the packages' sources).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { repoRoot } from './paths.ts'

/** Workspace packages resolve to src/*.ts under the `development` condition (dist/*.js otherwise). */
export const TS_NODE_ARGS = ['--conditions=development', '--import', 'tsx']

/** nodeArgs go before the entry file, e.g. `--cpu-prof` (which NODE_OPTIONS does not accept). */
export function spawnTs (file: string, env: Record<string, string>, stdio: StdioOptions = 'inherit', nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, ...TS_NODE_ARGS, file], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio
  })
}
