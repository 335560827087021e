// Measures one scenario: a pre-flight call that must answer as the contract says, a warm-up, then the recorded run.
import { cpuMeter, type CpuUse } from './cpu.ts'
import type { BenchOptions } from './options.ts'
import type { Http } from './http.ts'
import { runLoad, type LoadResult } from './load.ts'
import { begin } from './log.ts'
import { loopDelay } from './loop-delay.ts'
import { samplePeakRss, waitQuiet } from './proc-stats.ts'
import type { Scenario } from './scenarios.ts'
import type { Services } from './processes.ts'

export interface ScenarioResult extends Partial<LoadResult> {
  route: string
  /** peak RSS of each service during the recorded run */
  rss_mb?: Record<string, number>
  /** event-loop delay p99 of each service during the recorded run */
  loop_delay_p99_ms?: Record<string, number>
  ratio?: number
  ratio_of?: string
  /** CPU milliseconds per request of each process group: where the machine's time goes */
  cpu_ms_per_req?: Record<string, number>
  /** cores' worth of CPU used by processes outside the benchmark during the run: noise when above ~0.1 */
  other_cpu_cores?: number
  /** why the scenario could not be measured */
  skipped?: string
}

export interface MeasureContext {
  services: Services
  http: Http
  ca: string
  options: BenchOptions
  /** the processes whose CPU time is counted, by group; re-listed at each end of a run */
  cpuGroups: Record<string, () => number[]>
}

/** CPU use as milliseconds per request, two decimals. */
export function perRequest (use: CpuUse, requests: number): Pick<ScenarioResult, 'cpu_ms_per_req' | 'other_cpu_cores'> {
  const ms = (s: number) => requests ? Math.round(s / requests * 1e5) / 100 : 0
  return {
    cpu_ms_per_req: Object.fromEntries(Object.entries(use.seconds).map(([name, s]) => [name, ms(s)])),
    other_cpu_cores: Math.round(use.otherCores * 100) / 100
  }
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** The pre-flight answer, or why it is wrong: a missing route shows here as a 404, not as a run of errors. */
async function preflight (scenario: Scenario, { services, http }: MeasureContext): Promise<string | undefined> {
  const target = scenario.next(0)
  const service = services[scenario.service]
  if (!service) return `${scenario.service} is not running`
  const { status, body } = await http.call(scenario.origin ?? service.origin, {
    ...target,
    ...(scenario.token ? { token: scenario.token } : {})
  })
  if (status !== scenario.expect.status) {
    return `${target.method} ${target.path} answered ${status}, not ${scenario.expect.status}: ` +
      JSON.stringify(body).slice(0, 200)
  }
  return scenario.expect.check?.(body)
}

export async function measure (scenario: Scenario, ctx: MeasureContext): Promise<ScenarioResult> {
  const { services, ca, options } = ctx
  const done = begin(`${scenario.name.padEnd(26)} ${scenario.route.padEnd(38)} ${options.seconds} s`)
  await scenario.prepare?.()
  const wrong = await preflight(scenario, ctx).catch((err: Error) => `pre-flight failed: ${err.message}`)
  if (wrong) {
    done(`SKIPPED: ${wrong}`)
    return { route: scenario.route, skipped: wrong }
  }
  // the pair the scenario loads: Users with its limits in memory or in Redis, or the metrics pair, or the traced pair
  const pairs = {
    usersMetrics: [services.usersMetrics, services.offersMetrics],
    usersTraced: [services.usersTraced, services.offersTraced]
  } as const
  const [pairUsers, pairOffers] = scenario.service in pairs ? pairs[scenario.service as keyof typeof pairs] : []
  const users = scenario.service === 'usersRedis' ? services.usersRedis! : pairUsers ?? services.users
  const offers = pairOffers ?? services.offers
  const spec = {
    origin: scenario.origin ?? (scenario.service === 'offers' ? offers : users).origin,
    next: scenario.next,
    connections: options.connections,
    ...(scenario.token ? { token: scenario.token } : {}),
    ...(scenario.timeoutSeconds ? { timeoutSeconds: scenario.timeoutSeconds } : {})
  }
  const pids = [users.pid, offers.pid]
  const alive = () => Promise.all([users.assertAlive(), offers.assertAlive()])
  await runLoad({ ...spec, seconds: options.warmupSeconds }, ca)
  await alive()
  await waitQuiet(pids)
  await Promise.all([loopDelay(users), loopDelay(offers)])
  const stopRss = samplePeakRss({ users: users.pid, offers: offers.pid })
  const stopCpu = cpuMeter(ctx.cpuGroups)
  const result = await runLoad({ ...spec, seconds: options.seconds }, ca)
  await alive()
  const cpu = perRequest(stopCpu(), result.requests)
  const rss = stopRss()
  const [usersDelay, offersDelay] = await Promise.all([loopDelay(users), loopDelay(offers)])
  await waitQuiet(pids)
  done(`${fmt(result.rps, 1)} req/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, ` +
    `${result.non2xx} non-2xx, ${result.errors} errors`)
  return {
    route: scenario.route,
    ...result,
    rss_mb: rss,
    loop_delay_p99_ms: { users: usersDelay.p99_ms, offers: offersDelay.p99_ms },
    ...cpu
  }
}
