// Same-run ceilings: the bare Fastify server under the same load, and bcrypt hashes per second on every core.
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import bcrypt from 'bcrypt'
import { certFiles, freePort } from '@app/devstack'
import type { Cleanup } from './cleanup.ts'
import { cpuMeter } from './cpu.ts'
import { runLoad, type LoadResult } from './load.ts'
import { begin } from './log.ts'
import { perRequest, type ScenarioResult } from './measure.ts'
import { samplePeakRss, waitQuiet } from './proc-stats.ts'
import { startProcess, type StackFiles } from './processes.ts'

const bareServer = fileURLToPath(new URL('./bare-server.ts', import.meta.url))

export type Measured = LoadResult & Pick<ScenarioResult, 'cpu_ms_per_req' | 'other_cpu_cores'> &
  { rss_mb: Record<string, number> }

/** The bare server lives only for its own run. */
export async function bareBaseline (
  cleanup: Cleanup, files: StackFiles, ca: string, load: { connections: number, warmupSeconds: number, seconds: number }
): Promise<Measured> {
  const done = begin(`${'baseline_bare'.padEnd(26)} ${'GET / (bare Fastify)'.padEnd(38)} ${load.seconds} s`)
  const port = await freePort()
  const tls = certFiles(files.certsDir, 'bare')
  const proc = await startProcess(cleanup, 'bare', bareServer, {
    NODE_ENV: 'production',
    PORT: String(port),
    TLS_CERT_FILE: tls.cert,
    TLS_KEY_FILE: tls.key
  }, files)
  try {
    const spec = {
      origin: proc.origin,
      next: () => ({ method: 'GET' as const, path: '/' }),
      connections: load.connections
    }
    await runLoad({ ...spec, seconds: load.warmupSeconds }, ca)
    await waitQuiet([proc.pid])
    const stopRss = samplePeakRss({ bare: proc.pid })
    const stopCpu = cpuMeter({ bare: () => [proc.pid], autocannon: () => [process.pid] })
    const result = await runLoad({ ...spec, seconds: load.seconds }, ca)
    done(`${result.rps.toFixed(1)} req/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, ` +
      `${result.non2xx} non-2xx, ${result.errors} errors`)
    return { ...result, ...perRequest(stopCpu(), result.requests), rss_mb: stopRss() }
  } finally {
    await proc.stop()
  }
}

export interface BcryptCeiling {
  /** what an otherwise idle machine does: cores ÷ CPU seconds per hash; the auth ratio divides by this */
  hashesPerSecond: number
  /** hashes per wall-clock second in this run: lower than the ceiling when other processes share the cores */
  measuredPerSecond: number
  cpuSecondsPerHash: number
  parallel: number
  hashes: number
  p50_ms: number
  p99_ms: number
  max_ms: number
  other_cpu_cores: number
}

/**
 * N = cores parallel async hashes (libuv's pool has 4 threads, enough for 2 cores), for `seconds`, right
 * before the auth scenario. Hashes per wall-clock second swing with whatever else the machine runs (a
 * build, tests); CPU seconds per hash do not, so the ceiling is cores ÷ CPU seconds per hash.
 */
export async function bcryptCeiling (
  cost: number, seconds: number, parallel = availableParallelism()
): Promise<BcryptCeiling> {
  const done = begin(
    `${'baseline_bcrypt'.padEnd(26)} ${`bcrypt.hash cost ${cost} × ${parallel} at a time`.padEnd(38)} ${seconds} s`
  )
  await bcrypt.hash('warm-up', cost)
  const stopCpu = cpuMeter({ bcrypt: () => [process.pid] })
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
  const cpu = stopCpu()
  durations.sort((a, b) => a - b)
  const at = (q: number) =>
    Math.round(durations[Math.min(durations.length - 1, Math.floor(q * durations.length))]! * 10) / 10
  const cpuSecondsPerHash = cpu.seconds.bcrypt! / durations.length
  const hashesPerSecond = parallel / cpuSecondsPerHash
  const measuredPerSecond = durations.length / elapsed
  done(`ceiling ${hashesPerSecond.toFixed(2)} hashes/s (${(cpuSecondsPerHash * 1000).toFixed(0)} ms CPU each), ` +
    `measured ${measuredPerSecond.toFixed(2)}/s beside ${cpu.otherCores.toFixed(2)} other cores`)
  return {
    hashesPerSecond,
    measuredPerSecond,
    cpuSecondsPerHash,
    parallel,
    hashes: durations.length,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    max_ms: at(1),
    other_cpu_cores: Math.round(cpu.otherCores * 100) / 100
  }
}
