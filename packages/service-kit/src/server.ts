// Process entry shared by both services: build from the environment, listen, and close with grace on a signal.
import type { App } from './app.ts'
import { loopStatsEnabled, reportLoopDelayOnSignal } from './loop-delay.ts'

export interface Started { app: App, port: number, host: string }

async function listen ({ app, port, host }: Started): Promise<void> {
  let closing = false
  const close = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    setTimeout(() => process.exit(1), 10_000).unref()
    await app.close()
    process.exit(0)
  }
  process.once('SIGINT', () => { void close('SIGINT') })
  process.once('SIGTERM', () => { void close('SIGTERM') })
  await app.listen({ port, host })
}

/** Runs a service: any configuration or startup failure is one line naming what is wrong, then exit 1. */
export async function runServer (name: string, build: (env: NodeJS.ProcessEnv) => Promise<Started>): Promise<void> {
  try {
    const loopStats = loopStatsEnabled(process.env)
    const started = await build(process.env)
    if (loopStats) reportLoopDelayOnSignal(started.app.log)
    await listen(started)
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\n`)
    process.exit(1)
  }
}
