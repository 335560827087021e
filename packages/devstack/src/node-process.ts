// Child processes of the repository's entry points: compiled JavaScript as the image runs it, TypeScript through
// tsx on the packages' sources, and stopping one politely.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { once } from 'node:events'
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

export interface Supervised {
  child: ChildProcess
  /** resolves when the process has exited, however */
  exited: Promise<void>
  running: () => boolean
  /** SIGTERM, then SIGKILL if it has not exited within graceMs; resolves once it has exited */
  stop: (graceMs?: number) => Promise<void>
}

/** A child process with its exit as a promise, and a stop that asks before it forces. */
export function supervise (child: ChildProcess): Supervised {
  const exited = once(child, 'exit').then(() => undefined)
  const running = () => child.exitCode === null && child.signalCode === null
  const stop = async (graceMs = 10_000) => {
    if (!running()) return
    child.kill('SIGTERM')
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(killer)
  }
  return { child, exited, running, stop }
}
