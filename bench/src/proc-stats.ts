// Resident memory from /proc/<pid>/status (VmRSS sampled during a run, VmHWM the kernel's peak); waiting for idle.
import { readFileSync } from 'node:fs'
import { cpuSeconds } from './cpu.ts'

/** A memory field of /proc/<pid>/status in MB; undefined once the process is gone. */
function statusMb (pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm'))
    return match ? Math.round(Number(match[1]) / 1024) : undefined
  } catch {
    return undefined
  }
}

export const rssMb = (pid: number) => statusMb(pid, 'VmRSS')

/** The most resident memory the process has had since it started: the kernel keeps it, nothing is missed. */
export const peakRssMb = (pid: number) => statusMb(pid, 'VmHWM')

/** Samples every everyMs until stopped; returns each process's peak RSS in MB. */
export function samplePeakRss (pids: Record<string, number>, everyMs = 250): () => Record<string, number> {
  const peak: Record<string, number> = {}
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) {
      const mb = rssMb(pid)
      if (mb !== undefined && mb > (peak[name] ?? 0)) peak[name] = mb
    }
  }
  sample()
  const timer = setInterval(sample, everyMs)
  return () => {
    clearInterval(timer)
    sample()
    return peak
  }
}

/**
 * Waits until the processes together use less than `cores` of CPU over a window, so that work a finished
 * run left queued (a closed connection's bcrypt hash still runs) does not spill into the next run.
 */
export async function waitQuiet (
  pids: number[], { cores = 0.1, windowMs = 250, timeoutMs = 30_000 } = {}
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const total = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)
  let before = total()
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, windowMs))
    const after = total()
    if (after - before < cores * windowMs / 1000) return
    before = after
  }
}
