// The report: ratios against the same-run baselines, the targets, a table on stdout, and bench/results/latest.json.
import { availableParallelism, cpus, release, totalmem, type } from 'node:os'
import type { BcryptCeiling, Measured } from './baselines.ts'
import { footprintTargets, type Footprint } from './footprint.ts'
import type { ScenarioResult } from './measure.ts'
import type { BenchOptions } from './options.ts'
import { DEEP_PAGES, PAGE_REFERENCE } from './pages.ts'
import { levels } from './scale.ts'

export interface Row {
  route: string
  rps: number | null
  p50_ms: number | null
  p99_ms: number | null
  max_ms: number | null
  non2xx: number | null
  errors: number | null
  rss_mb: Record<string, number> | null
  ratio: number | null
  ratio_of: string | null
  loop_delay_p99_ms?: Record<string, number>
  cpu_ms_per_req?: Record<string, number>
  other_cpu_cores?: number
  /**
   * bare-relative rows: the bare server's CPU per request ÷ this scenario's, all processes; unlike rps, blind
   * to other load
   */
  cpu_ratio?: number | null
  /** the bcrypt baseline only: hashes per wall-clock second in this run */
  measured_rps?: number | null
  skipped?: string
}

export interface Target { what: string, goal: string, value: number | null, met: boolean }

export interface Report {
  machine: { cpu: string, cores: number, memory_gb: number, os: string }
  node: string
  date: string
  settings: {
    mode: 'quick' | 'full'
    seconds: number
    warmup_seconds: number
    connections: number
    bcrypt_cost: number
    log_level: string
    seed: { users: number, offers: number }
    /** BENCH_NODE_ARGS: extra node arguments the services ran with (experiments) */
    node_args: string[]
  }
  scenarios: Record<string, Row>
  /** per service, on the production build: cold start, idle and peak RSS */
  footprint: Record<string, Footprint>
  targets: Target[]
}

export interface Inputs {
  options: BenchOptions
  bcryptCost: number
  seed: { users: number, offers: number }
  bare: Measured
  bcrypt: BcryptCeiling
  main: Record<string, ScenarioResult>
  scale: Record<string, ScenarioResult>
  footprint: Record<string, Footprint>
}

const round = (n: number | undefined, digits = 2) =>
  n === undefined ? null : Math.round(n * 10 ** digits) / 10 ** digits

function row (r: ScenarioResult, ratio: number | null, ratioOf: string | null): Row {
  return {
    route: r.route,
    rps: round(r.rps, 1),
    p50_ms: round(r.p50_ms),
    p99_ms: round(r.p99_ms),
    max_ms: round(r.max_ms),
    non2xx: r.non2xx ?? null,
    errors: r.errors ?? null,
    rss_mb: r.rss_mb ?? null,
    ratio: round(ratio ?? undefined, 3),
    ratio_of: ratioOf,
    ...(r.loop_delay_p99_ms ? { loop_delay_p99_ms: r.loop_delay_p99_ms } : {}),
    ...(r.cpu_ms_per_req ? { cpu_ms_per_req: r.cpu_ms_per_req } : {}),
    ...(r.other_cpu_cores !== undefined ? { other_cpu_cores: r.other_cpu_cores } : {}),
    ...(r.skipped ? { skipped: r.skipped } : {})
  }
}

const perSecond = (r: ScenarioResult, by: number) => r.rps === undefined ? null : r.rps / by

const cpuTotal = (r: Pick<ScenarioResult, 'cpu_ms_per_req'>) =>
  r.cpu_ms_per_req ? Object.values(r.cpu_ms_per_req).reduce((a, b) => a + b, 0) : undefined

function cpuRatio (bare: Measured, r: ScenarioResult): number | null {
  const [base, own] = [cpuTotal(bare), cpuTotal(r)]
  return base && own ? round(base / own, 3) : null
}

/**
 * The machine is shared (other sessions build and test on it): the ceiling that fits a run is what the
 * cores left free by other processes during that run can hash. On an idle machine it is cores ÷ CPU per hash.
 */
function bcryptCeilingDuring (r: ScenarioResult, bcrypt: BcryptCeiling): number {
  const free = Math.max(0.1, bcrypt.parallel - (r.other_cpu_cores ?? 0))
  return free / bcrypt.cpuSecondsPerHash
}

function scenarios ({ bare, bcrypt, main, scale }: Inputs): Record<string, Row> {
  const rows: Record<string, Row> = {
    baseline_bare: row({ route: 'GET / (bare Fastify, constant JSON)', ...bare }, null, null),
    baseline_bcrypt: {
      ...row({
        route: `bcrypt.hash × ${bcrypt.parallel} in parallel (rps: cores ÷ CPU s per hash)`,
        rps: bcrypt.hashesPerSecond,
        p50_ms: bcrypt.p50_ms,
        p99_ms: bcrypt.p99_ms,
        max_ms: bcrypt.max_ms,
        non2xx: 0,
        errors: 0,
        other_cpu_cores: bcrypt.other_cpu_cores
      }, null, null),
      cpu_ms_per_req: { bcrypt: Math.round(bcrypt.cpuSecondsPerHash * 1e5) / 100 },
      measured_rps: round(bcrypt.measuredPerSecond)
    }
  }
  for (const [name, r] of Object.entries(main)) {
    const reference = main[PAGE_REFERENCE]
    if (DEEP_PAGES.includes(name)) {
      // a page deep in a long list against a short list's only page: keyset paging must not care how deep
      const ratio = r.mean_ms && reference?.mean_ms ? r.mean_ms / reference.mean_ms : null
      rows[name] = { ...row(r, ratio, `${PAGE_REFERENCE} latency (mean ÷ mean)`), cpu_ratio: cpuRatio(bare, r) }
      continue
    }
    rows[name] = name.startsWith('user_auth')
      ? row(r, perSecond(r, bcryptCeilingDuring(r, bcrypt)), 'bcrypt ceiling on the cores free during the run ' +
        '(rps ÷ ((cores − other cores) ÷ CPU s per hash))')
      : { ...row(r, perSecond(r, bare.rps), 'bare baseline (rps ÷ rps)'), cpu_ratio: cpuRatio(bare, r) }
  }
  const [small, large] = levels.map((l) => l.label)
  for (const [name, r] of Object.entries(scale)) {
    const reference = name.endsWith(`_${large}`)
      ? scale[name.replace(new RegExp(`_${large}$`), `_${small}`)]
      : undefined
    rows[name] = reference
      ? row(r, r.mean_ms && reference.mean_ms ? r.mean_ms / reference.mean_ms : null, `${small} latency (mean ÷ mean)`)
      : row(r, null, `reference of the ${large} row`)
  }
  return rows
}

/** user_auth_redis ÷ user_auth, each already divided by the bcrypt ceiling on the cores free during its run. */
function redisShare (rows: Record<string, Row>): number | null {
  const [redis, memory] = [rows.user_auth_redis?.ratio, rows.user_auth?.ratio]
  return redis && memory ? round(redis / memory, 3) : null
}

/**
 * A user_get variant's rps ÷ user_get's: what metrics (user_get_metrics) or tracing every request, exported
 * (user_get_traced), leave of GET /user/{id}/'s throughput.
 */
function userGetShare (rows: Record<string, Row>, variant: string): number | null {
  const [on, off] = [rows[variant]?.rps, rows.user_get?.rps]
  return on && off ? round(on / off, 3) : null
}

function targets (rows: Record<string, Row>, footprint: Record<string, Footprint>): Target[] {
  const all = Object.entries(rows)
  const failing = all.filter(([, r]) => r.skipped || r.errors || r.non2xx).map(([n]) => n)
  const at = (name: string) => rows[name]?.ratio ?? null
  const atMost = (what: string, value: number | null, goal: number) =>
    ({ what, goal: `≤ ${goal}`, value, met: value !== null && value <= goal })
  const atLeast = (what: string, value: number | null, goal: number) =>
    ({ what, goal: `≥ ${goal}`, value, met: value !== null && value >= goal })
  return [
    {
      what: 'every scenario measured with zero errors and zero non-2xx' +
        (failing.length ? ` (not: ${failing.join(', ')})` : ''),
      goal: '0',
      value: failing.length,
      met: failing.length === 0
    },
    atLeast('auth ÷ bcrypt ceiling', at('user_auth'), 0.85),
    atMost('Users event-loop delay p99 during auth (ms)', rows.user_auth?.loop_delay_p99_ms?.users ?? null, 50),
    // the shared store may cost logins at most 5 %: both runs as a share of the bcrypt ceiling of their own moment
    atLeast('login limit check with Redis: auth ÷ auth with limits in memory', redisShare(rows), 0.95),
    atLeast('GET /user/{id}/ ÷ bare baseline', at('user_get'), 0.25),
    // metrics on (both services, scraped every second) may cost GET /user/{id}/ at most 5 % of its throughput
    atLeast('GET /user/{id}/ with metrics on ÷ off (rps)', userGetShare(rows, 'user_get_metrics'), 0.95),
    // OpenTelemetry with every request sampled and exported may cost at most 15 % of the throughput
    atLeast('GET /user/{id}/ traced ÷ untraced (rps)', userGetShare(rows, 'user_get_traced'), 0.85),
    atMost('offers by user, 1 M ÷ 1 k rows (mean latency)', at('scale_offers_by_user_1m'), 1.5),
    atMost('first page of 100 000 offers ÷ a user with 10 (mean latency)', at('offers_page_first_100k'), 1.5),
    atMost('last page of 100 000 offers ÷ a user with 10 (mean latency)', at('offers_page_last_100k'), 1.5),
    atMost('first users page, 1 M ÷ 1 k rows (mean latency)', at('scale_users_page_first_1m'), 1.5),
    ...footprintTargets(footprint)
  ]
}

export function buildReport (inputs: Inputs): Report {
  const rows = scenarios(inputs)
  const { options } = inputs
  return {
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: availableParallelism(),
      memory_gb: Math.round(totalmem() / 2 ** 30),
      os: `${type()} ${release()}`
    },
    node: process.version,
    date: new Date().toISOString(),
    settings: {
      mode: options.quick ? 'quick' : 'full',
      seconds: options.seconds,
      warmup_seconds: options.warmupSeconds,
      connections: options.connections,
      bcrypt_cost: inputs.bcryptCost,
      log_level: process.env.BENCH_LOG_LEVEL || 'info',
      seed: inputs.seed,
      node_args: options.nodeArgs ?? []
    },
    scenarios: rows,
    footprint: inputs.footprint,
    targets: targets(rows, inputs.footprint)
  }
}
