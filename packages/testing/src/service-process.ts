// Runs a service in its own process over HTTPS on 127.0.0.1 (port 0 unless told): its server.ts through tsx, or
// `pnpm build`'s bundle with plain node and the image's node arguments, as production runs it.
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { imageNodeArgs, offers, spawnNode, spawnTs, supervise, users } from '@app/devstack'
import { testTlsFiles } from './tls.ts'

export interface ServiceProcess {
  /** https://127.0.0.1:<port> */
  url: string
  port: number
  /** everything the process wrote so far (its JSON log lines) */
  output: () => string
  /**
   * resolves once the output matches (log lines are written when a response completes, a moment after the
   * client has it)
   */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<boolean>
  /** SIGTERM, then SIGKILL if it has not exited within 10 s */
  stop: () => Promise<void>
  /** the node process itself, for signals (SIGKILL, SIGSTOP, …) */
  child: ChildProcess
  /** sends a signal and returns at once */
  signal: (signal: NodeJS.Signals) => void
  /** resolves with the exit code (null when a signal ended it) once the process has exited */
  exited: Promise<number | null>
}

export interface ServiceProcessOptions {
  /** how long it may take to listen */
  timeoutMs?: number
  /** run `pnpm build`'s bundle (services/<name>/bundle/server.mjs) as the image does, rather than src/server.ts */
  build?: boolean
}

interface Teardown { teardown: (fn: () => unknown) => void }

const LISTENING = /Server listening at (https:\/\/127\.0\.0\.1:(\d+))/

/** The bundle with the node arguments of the service's image, or the sources through tsx. */
function spawnService (service: 'users' | 'offers', build: boolean, env: Record<string, string>) {
  const spec = service === 'users' ? users : offers
  if (!build) return spawnTs(spec.server, env, ['ignore', 'pipe', 'pipe'])
  if (!existsSync(spec.built)) throw new Error(`no production build at ${spec.built}: run "pnpm build" first`)
  // nothing else preloaded: the test runner's NODE_OPTIONS (tap's process tracking) would be inherited otherwise
  return spawnNode(spec.built, { ...env, NODE_OPTIONS: '' }, ['ignore', 'pipe', 'pipe'], imageNodeArgs(service))
}

/**
 * Starts `service` with APP_SETTINGS=testing, the run's TLS files, LOG_LEVEL=info and `env` on top,
 * and resolves once it logs that it listens. The process is stopped at the end of the test.
 */
export async function startServiceProcess (
  t: Teardown, service: 'users' | 'offers', env: Record<string, string>,
  { timeoutMs = 30_000, build = false }: ServiceProcessOptions = {}
): Promise<ServiceProcess> {
  const tls = testTlsFiles(service)
  const child = spawnService(service, build, {
    APP_SETTINGS: 'testing',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    TLS_CERT_FILE: tls.cert,
    TLS_KEY_FILE: tls.key,
    TLS_CA_FILE: tls.ca,
    ...env
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const { exited, stop } = supervise(child)
  t.teardown(() => stop())
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${service} did not listen within ${timeoutMs} ms:\n${output}`)), timeoutMs
    )
    const check = () => {
      const match = LISTENING.exec(output)
      if (match) {
        clearTimeout(timer)
        child.stdout!.off('data', check)
        resolve(Number(match[2]))
      }
    }
    child.stdout!.on('data', check)
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`${service} exited with ${child.exitCode} before it listened:\n${output}`))
    })
  })
  const waitForOutput = async (pattern: RegExp, waitMs = 5_000) => {
    for (const deadline = Date.now() + waitMs; !pattern.test(output) && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return pattern.test(output)
  }
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    output: () => output,
    waitForOutput,
    stop: () => stop(),
    child,
    signal: (signal) => { child.kill(signal) },
    exited: exited.then(() => child.exitCode)
  }
}
