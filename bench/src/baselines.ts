// Same-run ceilings: the bare Fastify server under the same load, and bcrypt hashes per second on every core.
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import bcrypt from 'bcrypt'
import { certFiles } from '@app/devstack'
import type { Cleanup } from './cleanup.ts'
import { runLoad, type LoadResult } from './load.ts'
import { freePort } from './net.ts'
import { samplePeakRss } from './proc-stats.ts'
import { startProcess, type StackFiles } from './services.ts'

const bareServer = fileURLToPath(new URL('./bare-server.ts', import.meta.url))

export interface Measured extends LoadResult { rss_mb: Record<string, number> }

/** The bare server lives only for its own run. */
export async function bareBaseline (cleanup: Cleanup, files: StackFiles, ca: string, load: { connections: number, warmupSeconds: number, seconds: number }): Promise<Measured> {
  const port = await freePort()
  const tls = certFiles(files.certsDir, 'bare')
  const proc = await startProcess(cleanup, 'bare', bareServer, { NODE_ENV: 'production', PORT: String(port), TLS_CERT_FILE: tls.cert, TLS_KEY_FILE: tls.key }, files)
  try {
    const spec = { origin: proc.origin, next: () => ({ method: 'GET' as const, path: '/' }), connections: load.connections }
    await runLoad({ ...spec, seconds: load.warmupSeconds }, ca)
    const stopRss = samplePeakRss({ bare: proc.pid })
    const result = await runLoad({ ...spec, seconds: load.seconds }, ca)
    return { ...result, rss_mb: stopRss() }
  } finally {
    await proc.stop()
  }
}

export interface BcryptCeiling { hashesPerSecond: number, parallel: number, hashes: number, p50_ms: number, p99_ms: number, max_ms: number }

/** N = cores parallel async hashes (libuv's pool has 4 threads, enough for 2 cores), for `seconds`. */
export async function bcryptCeiling (cost: number, seconds: number, parallel = availableParallelism()): Promise<BcryptCeiling> {
  await bcrypt.hash('warm-up', cost)
  const durations: number[] = []
  const deadline = performance.now() + seconds * 1000
  const started = performance.now()
  await Promise.all(Array.from({ length: parallel }, async (_, k) => {
    while (performance.now() < deadline) {
      const t0 = performance.now()
      await bcrypt.hash(`password-${k}`, cost)
      durations.push(performance.now() - t0)
    }
  }))
  const elapsed = (performance.now() - started) / 1000
  durations.sort((a, b) => a - b)
  const at = (q: number) => Math.round(durations[Math.min(durations.length - 1, Math.floor(q * durations.length))]! * 10) / 10
  return { hashesPerSecond: durations.length / elapsed, parallel, hashes: durations.length, p50_ms: at(0.5), p99_ms: at(0.99), max_ms: at(1) }
}
