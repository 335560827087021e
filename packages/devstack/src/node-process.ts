// Runs a TypeScript entry point of the repository in its own Node process (through tsx).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { repoRoot } from './paths.ts'

/** nodeArgs go before the entry file, e.g. `--cpu-prof` (which NODE_OPTIONS does not accept). */
export function spawnTs (file: string, env: Record<string, string>, stdio: StdioOptions = 'inherit', nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', file], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio
  })
}

/** Runs file to completion; rejects with its stderr when it fails. */
export function runTs (file: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnTs(file, env, ['ignore', 'inherit', 'pipe'])
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('exit', (code) => code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}: ${stderr}`)))
  })
}
