// For the replica suite: calls through the balancer from chosen client addresses, and a bounded closed-loop load
// that counts every failure and keeps each route's latencies.
import { request, type Agent } from 'undici'

export interface Answer {
  status: number
  body: any
  /** the replica that answered (the balancer's X-Served-By) */
  servedBy: string
  headers: Record<string, string | string[] | undefined>
}

export interface CallOptions {
  method?: 'GET' | 'POST'
  json?: unknown
  token?: string
  headers?: Record<string, string>
}

export async function call (agent: Agent, url: string, opts: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.json !== undefined) headers['content-type'] = 'application/json'
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  const res = await request(url, {
    dispatcher: agent,
    method: opts.method ?? (opts.json === undefined ? 'GET' : 'POST'),
    headers,
    ...(opts.json === undefined ? {} : { body: JSON.stringify(opts.json) }),
    headersTimeout: 10_000,
    bodyTimeout: 10_000
  })
  const text = await res.body.text()
  return {
    status: res.statusCode,
    body: /json/.test(String(res.headers['content-type'])) && text ? JSON.parse(text) : text,
    servedBy: String(res.headers['x-served-by'] ?? ''),
    headers: res.headers
  }
}

/** One kind of request of the mix: `run` answers its status; `ok` says whether that status is expected. */
export interface Operation {
  name: string
  /** how often it is picked, relative to the others */
  weight: number
  run: (worker: number, i: number) => Promise<Answer>
  ok?: (status: number) => boolean
}

export interface LoadStats {
  requests: number
  /** the request threw: no answer at all (reset, refused, timed out) */
  failed: number
  /** an answer whose status the operation does not expect */
  unexpected: number
  byStatus: Record<string, number>
  /** every failure and unexpected answer: when its request started and ended (performance.now()), and what it was */
  lost: Array<{ op: string, startedAt: number, endedAt: number, detail: string }>
  /** per operation: [start time, duration ms] of every answered request */
  latencies: Record<string, Array<[number, number]>>
  /** requests sent and not yet answered right now */
  inFlight: () => number
}

export interface LoadControl {
  stats: LoadStats
  /** asks every worker to stop after its current request; resolves when all have */
  stop: () => Promise<void>
}

/**
 * `workers` closed loops, each through its own agent, picking operations by weight (deterministically), until
 * stop(), `maxRequests` in all, or `maxMs`: whichever comes first.
 */
export function startLoad (
  operations: Operation[], workers: number, limits: { maxRequests: number, maxMs: number }
): LoadControl {
  const total = operations.reduce((sum, op) => sum + op.weight, 0)
  const pick = (i: number) => {
    let at = (i * 7919) % total
    for (const op of operations) {
      if (at < op.weight) return op
      at -= op.weight
    }
    return operations[0]!
  }
  const pending = new Map<string, number>()
  const stats: LoadStats = {
    requests: 0,
    failed: 0,
    unexpected: 0,
    byStatus: {},
    lost: [],
    latencies: Object.fromEntries(operations.map((op) => [op.name, []])),
    inFlight: () => [...pending.values()].reduce((a, b) => a + b, 0)
  }
  const deadline = Date.now() + limits.maxMs
  // read by every loop, set by stop()
  const control = { stopping: false }
  const going = () => !control.stopping && stats.requests < limits.maxRequests && Date.now() < deadline
  const loop = async (worker: number) => {
    for (let i = worker; going(); i += workers) {
      const op = pick(i)
      stats.requests++
      pending.set(op.name, (pending.get(op.name) ?? 0) + 1)
      const started = performance.now()
      try {
        const answer = await op.run(worker, i)
        stats.latencies[op.name]!.push([started, performance.now() - started])
        stats.byStatus[answer.status] = (stats.byStatus[answer.status] ?? 0) + 1
        if (!(op.ok ?? ((s: number) => s >= 200 && s < 300))(answer.status)) {
          stats.unexpected++
          const detail = `${answer.status} from ${answer.servedBy || '?'}: ${JSON.stringify(answer.body).slice(0, 160)}`
          stats.lost.push({ op: op.name, startedAt: started, endedAt: performance.now(), detail })
        }
      } catch (err) {
        stats.failed++
        stats.lost.push({ op: op.name, startedAt: started, endedAt: performance.now(), detail: (err as Error).message })
      } finally {
        pending.set(op.name, pending.get(op.name)! - 1)
      }
    }
  }
  const done = Promise.all(Array.from({ length: workers }, (_, w) => loop(w)))
  return {
    stats,
    stop: async () => {
      control.stopping = true
      await done
    }
  }
}

/** The p-th percentile (0–100) of durations, nearest rank; 0 when there are none. */
export function percentile (values: number[], p: number): number {
  if (!values.length) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}
