// Each service's footprint on the production build: cold start (spawn to first /health 200), idle and peak RSS.
import { peakRssMb, rssMb } from './proc-stats.ts'
import type { Target } from './report.ts'
import type { RunningProcess } from './processes.ts'

export interface Footprint {
  /** what node ran with before bundle/server.mjs: the image's arguments, then BENCH_NODE_ARGS */
  node_args: string[]
  /** the file node ran, relative to the service's directory */
  entry: string
  /** spawn to the first 200 on GET /health */
  cold_start_ms: number
  /** CPU time the process used until then: the cost of starting, less sensitive to other load than the wall clock */
  startup_cpu_ms: number
  /** VmRSS once healthy and left idle for IDLE_MS, before any load */
  idle_rss_mb: number | null
  /** VmHWM at the end of the run: the kernel's own peak of resident memory, start-up and every run included */
  peak_rss_mb: number | null
}

/** The targets of the production build, each service on its own. */
const limits = [
  { key: 'cold_start_ms', label: 'cold start', unit: 'ms', goal: 1000 },
  { key: 'idle_rss_mb', label: 'idle RSS', unit: 'MB', goal: 80 },
  { key: 'peak_rss_mb', label: 'peak RSS', unit: 'MB', goal: 120 }
] as const

type Limit = typeof limits[number]

function meets (f: Footprint, { key, goal }: Limit): boolean {
  const value = f[key]
  return value !== null && value <= goal
}

/** How long the services sit idle after both answered /health before their idle RSS is read. */
export const IDLE_MS = 2000

type Processes = Record<string, RunningProcess>

/** Waits IDLE_MS, then reads each process's resident memory. */
export async function idleRss (procs: Processes): Promise<Record<string, number | null>> {
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS))
  return Object.fromEntries(Object.entries(procs).map(([name, p]) => [name, rssMb(p.pid) ?? null]))
}

/** Call before the processes are stopped: VmHWM is gone with them. */
export function footprints (procs: Processes, idle: Record<string, number | null>): Record<string, Footprint> {
  return Object.fromEntries(Object.entries(procs).map(([name, p]) => [name, {
    node_args: p.nodeArgs,
    entry: p.entry,
    cold_start_ms: p.coldStartMs,
    startup_cpu_ms: p.startupCpuMs,
    idle_rss_mb: idle[name] ?? null,
    peak_rss_mb: peakRssMb(p.pid) ?? null
  }]))
}

/** One target per service and limit, as the report lists them. */
export function footprintTargets (all: Record<string, Footprint>): Target[] {
  return Object.entries(all).flatMap(([name, f]) => limits.map((limit) => ({
    what: `${name} ${limit.label} (${limit.unit}, production build)`,
    goal: `≤ ${limit.goal}`,
    value: f[limit.key],
    met: meets(f, limit)
  })))
}

/** The limits in words, for the table's title. */
export const goals = limits.map((l) => `${l.label} ≤ ${l.goal} ${l.unit}`).join(', ')

/** The limits a service misses, by label; empty when all are met. */
export const missed = (f: Footprint): string[] => limits.filter((limit) => !meets(f, limit)).map((l) => l.label)
