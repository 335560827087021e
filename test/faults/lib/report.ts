// What a load saw, in numbers: answers by status and code, latency percentiles, how soon answers were good again
// after a fault, and acknowledged writes against the rows in the database.
import pg from 'pg'
import type { Test } from 'tap'
import type { Sample } from '@app/testing'
import type { Answer } from './stack.ts'

export type Samples = Array<Sample<Answer>>

/** The assertions a judging helper makes on a test's behalf. */
export type Checks = Pick<Test, 'comment' | 'ok' | 'same' | 'equal'>

/** "200 × 812, 503 OFFERS_UNAVAILABLE × 40, no answer (ECONNREFUSED) × 3", most frequent first. */
export function tally (samples: Samples): string {
  const counts = new Map<string, number>()
  for (const { result: r } of samples) {
    const what = r.status === 0 ? `no answer (${r.error})` : r.code ? `${r.status} ${r.code}` : String(r.status)
    counts.set(what, (counts.get(what) ?? 0) + 1)
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([what, n]) => `${what} × ${n}`).join(', ') || 'nothing'
}

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

export interface Latency { n: number, p50: number, p99: number, max: number }

export function latency (samples: Samples): Latency {
  const ms = samples.map((s) => s.end - s.start).sort((a, b) => a - b)
  return { n: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms.at(-1) ?? 0 }
}

export const latencyText = ({ n, p50, p99, max }: Latency) =>
  n === 0 ? 'none' : `${n} answers in p50 ${p50} ms, p99 ${p99} ms, max ${max} ms`

export interface Recovery {
  /** from `at` to the end of the first good answer to a request begun after it */
  firstGoodMs: number | undefined
  /** from `at` to the end of the last bad answer (negative: before it) */
  lastBadMs: number | undefined
  /** requests begun `withinMs` or more after `at`, and those of them that were not good */
  late: number
  lateBad: Samples
}

/** How soon after `at` (the dependency answering again) the answers were good again. */
export function recovery (samples: Samples, at: number, good: (a: Answer) => boolean, withinMs: number): Recovery {
  const firstGood = samples.filter((s) => s.start >= at && good(s.result)).sort((a, b) => a.end - b.end)[0]
  const bad = samples.filter((s) => !good(s.result))
  const lastBad = bad.length ? Math.max(...bad.map((s) => s.end)) : undefined
  const late = samples.filter((s) => s.start >= at + withinMs)
  return {
    firstGoodMs: firstGood && firstGood.end - at,
    lastBadMs: lastBad === undefined ? undefined : lastBad - at,
    late: late.length,
    lateBad: late.filter((s) => !good(s.result))
  }
}

const relative = (ms: number | undefined) =>
  ms === undefined ? 'none' : ms >= 0 ? `${ms} ms after` : `${-ms} ms before`

export const recoveryText = (r: Recovery, withinMs: number) =>
  `first good answer ${relative(r.firstGoodMs)}, last bad one ${relative(r.lastBadMs)}; ` +
  `of ${r.late} requests begun ${withinMs} ms or more after, ${r.lateBad.length} not good`

export interface Writes {
  /** 201s, whose rows must all be there */
  acknowledged: number
  lost: number
  /** not acknowledged (503, no answer), yet committed: what a client must not take for a sure failure */
  unacknowledgedStored: number
}

/**
 * Registrations (op `register`, a user id) and offers (op `create`, an offer id) answered 201, against the rows the
 * database holds afterwards; and the writes not answered 201 whose rows exist anyway (found by username or title).
 */
export async function checkWrites (adminUrl: string, samples: Samples): Promise<Record<'users' | 'offers', Writes>> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    const check = async (op: string, table: string, keyColumn: string): Promise<Writes> => {
      const writes = samples.map((s) => s.result).filter((r) => r.op === op)
      const acked = writes.filter((r) => r.status === 201).map((r) => (r.body as { id: number }).id)
      const unacked = writes.filter((r) => r.status !== 201 && r.key !== undefined).map((r) => r.key!)
      const { rows: [found] } = await client.query<{ acked: number, unacked: number }>(
        `select (select count(*) from ${table} where id = any($1::bigint[]))::int as acked,
                (select count(*) from ${table} where ${keyColumn} = any($2::text[]))::int as unacked`,
        [acked, unacked])
      return { acknowledged: acked.length, lost: acked.length - found!.acked, unacknowledgedStored: found!.unacked }
    }
    return {
      users: await check('register', 'users.users', 'username'),
      offers: await check('create', 'offers.offers', 'title')
    }
  } finally {
    await client.end()
  }
}

export const writesText = (w: Writes) =>
  `acknowledged ${w.acknowledged}, lost: ${w.lost}, not acknowledged yet stored: ${w.unacknowledgedStored}`
