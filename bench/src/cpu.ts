// CPU time by process group during a run (services, PostgreSQL, the load generator) and what the rest of the
// machine used.
import { readdirSync, readFileSync } from 'node:fs'

/** Linux reports CPU time in USER_HZ ticks, 100 per second on every common build. */
const TICKS = 100

/** user + system seconds of one process, from /proc/<pid>/stat; 0 once it is gone. */
export function cpuSeconds (pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name may hold spaces: fields are counted after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS
  } catch {
    return 0
  }
}

/** A process and its direct children: a postmaster and its backends and workers. */
export function withChildren (pid: number): number[] {
  const pids = [pid]
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) pids.push(Number(entry))
    } catch { /* exited meanwhile */ }
  }
  return pids
}

/** Busy seconds of the whole machine, all cores, from /proc/stat. */
function machineBusySeconds (): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number)
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS
}

export interface CpuUse {
  /** CPU seconds of each group over the interval */
  seconds: Record<string, number>
  /** cores' worth of CPU that processes outside the groups used (another build, tests, …): noise */
  otherCores: number
}

/** Starts measuring; the function it returns ends the interval. Groups are re-listed at both ends. */
export function cpuMeter (groups: Record<string, () => number[]>): () => CpuUse {
  const snapshot = () => Object.fromEntries(Object.entries(groups).map(([name, list]) =>
    [name, new Map(list().map((pid) => [pid, cpuSeconds(pid)]))]))
  const started = { at: performance.now(), busy: machineBusySeconds(), groups: snapshot() }
  return () => {
    const elapsed = (performance.now() - started.at) / 1000
    const busy = machineBusySeconds() - started.busy
    const end = snapshot()
    const seconds = Object.fromEntries(Object.entries(end).map(([name, pids]) => {
      let used = 0
      for (const [pid, cpu] of pids) used += cpu - (started.groups[name]?.get(pid) ?? 0)
      return [name, used]
    }))
    const ours = Object.values(seconds).reduce((a, b) => a + b, 0)
    return { seconds, otherCores: Math.max(0, busy - ours) / elapsed }
  }
}

/** Cores' worth of CPU the rest of the machine uses over a second, before anything of ours runs. */
export async function otherCores (): Promise<number> {
  const stop = cpuMeter({ bench: () => [process.pid] })
  await new Promise((resolve) => setTimeout(resolve, 1000))
  return stop().otherCores
}
