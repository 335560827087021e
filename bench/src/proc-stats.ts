// Resident memory of processes from /proc/<pid>/status (VmRSS), sampled while a run lasts, peak kept.
import { readFileSync } from 'node:fs'

export function rssMb (pid: number): number | undefined {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m)
    return match ? Math.round(Number(match[1]) / 1024) : undefined
  } catch {
    return undefined
  }
}

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
