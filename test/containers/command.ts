// Runs a command to completion for the container tests: its stdout, or an error carrying its stderr.
import { execFile, spawn } from 'node:child_process'

export interface CommandOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
  timeoutMs?: number
}

/** Resolves with stdout; rejects with the command line and the end of stderr. */
export function run (file: string, args: string[], opts: CommandOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      timeout: opts.timeoutMs ?? 120_000,
      maxBuffer: 64 * 1024 * 1024
    }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout)
      reject(new Error(`${file} ${args.join(' ')} failed (${err.code ?? err.signal}):\n${stderr.trim().slice(-2000)}`))
    })
  })
}

/** True when the command exits 0. */
export function succeeds (file: string, args: string[], opts: CommandOptions = {}): Promise<boolean> {
  return run(file, args, opts).then(() => true, () => false)
}

/** Runs with its output shown as it comes (long steps: apt, image builds, a test run); resolves with the exit code. */
export function runShown (file: string, args: string[], opts: CommandOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['ignore', 'inherit', 'inherit']
    })
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
}
