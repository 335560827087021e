// Reads a service's event-loop delay from outside: SIGUSR2 makes it log the percentiles since its last report.
import { open, stat } from 'node:fs/promises'
import type { RunningProcess } from './processes.ts'

export interface LoopDelay { p50_ms: number, p99_ms: number, max_ms: number, samples: number }

const MARK = '"msg":"event loop delay"'

async function readFrom (file: string, offset: number): Promise<string> {
  const handle = await open(file, 'r')
  try {
    const { size } = await handle.stat()
    const length = Math.min(size - offset, 8 * 1024 * 1024)
    if (length <= 0) return ''
    const buffer = Buffer.alloc(length)
    await handle.read(buffer, 0, length, offset)
    return buffer.toString('utf8')
  } finally {
    await handle.close()
  }
}

/** The delay since the previous call (or since start); the service needs EVENT_LOOP_STATS=1. */
export async function loopDelay (proc: RunningProcess, timeoutMs = 5_000): Promise<LoopDelay> {
  const offset = (await stat(proc.logFile)).size
  process.kill(proc.pid, 'SIGUSR2')
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const line = (await readFrom(proc.logFile, offset)).split('\n').find((l) => l.includes(MARK))
    if (line) return (JSON.parse(line) as { eventLoopDelay: LoopDelay }).eventLoopDelay
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${proc.name} logged no event-loop delay within ${timeoutMs} ms of SIGUSR2 ` +
    '(is EVENT_LOOP_STATS=1 honoured?)')
}
