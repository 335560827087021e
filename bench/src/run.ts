// `pnpm bench [--quick]`: PostgreSQL, seed, both services, baselines, scenarios, scale, report; all torn down after.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import bcrypt from 'bcrypt'
import { caFiles, ensureCertificates, ensureJwtKeys } from '@app/devstack'
import { bareBaseline, bcryptCeiling, type BcryptCeiling } from './baselines.ts'
import { chartSvg } from './chart.ts'
import { Cleanup } from './cleanup.ts'
import { editScenarios } from './edit-scenarios.ts'
import { otherCores, withChildren } from './cpu.ts'
import { startDatabase } from './database.ts'
import { footprints, idleRss } from './footprint.ts'
import { Http } from './http.ts'
import { begin, log } from './log.ts'
import { measure, type ScenarioResult } from './measure.ts'
import { parseOptions, type BenchOptions } from './options.ts'
import { measurePages } from './pages.ts'
import { buildReport } from './report.ts'
import { scale } from './scale.ts'
import {
  mainScenarios, METRICS_SCENARIO, REDIS_SCENARIO, throughBalancer, USER_GET_LB, type Scenario
} from './scenarios.ts'
import { grow, PASSWORD, seedDb, seeded, truncateAll, username } from './seed.ts'
import {
  startBalancer, startMetricsPair, startRedisUsers, startServices, type RunningProcess, type Services
} from './processes.ts'
import { startTracedServices, TRACED_SCENARIO, tracedScenario, type TracedServices } from './traced.ts'
import { formatCpuTable, formatFootprintTable, formatTable, formatTargets } from './table.ts'

const BCRYPT_COST = 12
const SEED = { users: 10_000, offersPerUser: 10 }
const resultsDir = fileURLToPath(new URL('../results/', import.meta.url))

async function run (options: BenchOptions, cleanup: Cleanup): Promise<number> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'bench-'))
  cleanup.defer('the temp dir', () => rm(workDir, { recursive: true, force: true }))
  const { logsDir } = options
  if (logsDir) {
    cleanup.defer('copying the logs', () =>
      cp(workDir, logsDir, { recursive: true, filter: (f) => f === workDir || f.endsWith('.log') }))
  }
  const files = {
    workDir,
    certsDir: path.join(workDir, 'certs'),
    jwtDir: path.join(workDir, 'jwt'),
    caFile: caFiles(path.join(workDir, 'certs')).cert
  }
  await ensureCertificates(files.certsDir, ['users', 'offers', 'bare', 'balancer'])
  await ensureJwtKeys(files.jwtDir)
  const ca = await readFile(files.caFile, 'utf8')

  let done = begin(
    options.adminUrl
      ? 'PostgreSQL at BENCH_DATABASE_URL: bootstrap and migrations'
      : 'embedded PostgreSQL: initdb, bootstrap and migrations'
  )
  const database = await startDatabase(cleanup, workDir, options.adminUrl)
  done('ready')
  const db = seedDb(database.adminUrl)
  cleanup.defer('the seeding connections', () => db.destroy())
  done = begin(`seeding ${SEED.users.toLocaleString('en-US')} users and ` +
    `${(SEED.users * SEED.offersPerUser).toLocaleString('en-US')} offers`)
  const passwordHash = await bcrypt.hash(PASSWORD, BCRYPT_COST)
  await truncateAll(db)
  await grow(db, [1, SEED.users], [1, SEED.users], passwordHash)
  const seededMain = await seeded(db)
  done(`${seededMain.users.count} users, ${seededMain.offers.count} offers`)

  done = begin('starting Offers and Users from their bundles (APP_SETTINGS=production, LOG_LEVEL=info to files)')
  const services: Services = await startServices(cleanup, database.urls, files, options)
  const healthy = (p: RunningProcess) => `${p.name} ${p.origin} (pid ${p.pid}, healthy after ${p.coldStartMs} ms)`
  done(`${healthy(services.users)}, ${healthy(services.offers)}`)
  const idle = await idleRss(services)
  const http = new Http(ca)
  cleanup.defer('the HTTP client', () => http.close())

  const noise = await otherCores()
  if (noise > 0.25) {
    log(`other processes use ${noise.toFixed(2)} cores of this machine right now: ` +
      'expect noisy numbers (see "other cores")')
  }
  const bare = await bareBaseline(cleanup, files, ca, options)
  const selected = ({ name }: { name: string }) => !options.only || options.only.includes(name)
  let redisPid: number | undefined
  if (selected({ name: REDIS_SCENARIO })) {
    done = begin('starting a redis-server and a second Users with RATE_LIMIT_REDIS_URL')
    const redisUsers = await startRedisUsers(cleanup, database.urls.users, services.offers.origin, files, options)
    services.usersRedis = redisUsers.users
    redisPid = redisUsers.redisPid
    done(healthy(redisUsers.users))
  }

  if (selected({ name: METRICS_SCENARIO })) {
    done = begin('starting a second Offers and Users with METRICS_PORT, each scraped every second')
    const pair = await startMetricsPair(cleanup, database.urls, files, options)
    services.usersMetrics = pair.users
    services.offersMetrics = pair.offers
    // 15 times Prometheus' default rate: the scrapes' own cost is in the numbers, and then some
    const scraper = setInterval(() => {
      for (const url of pair.metricsUrls) void fetch(url).then((res) => res.text()).catch(() => {})
    }, 1000)
    cleanup.defer('the metrics scraper', () => clearInterval(scraper))
    done(`${healthy(pair.offers)}, ${healthy(pair.users)}`)
  }

  let traced: TracedServices | undefined
  if (selected({ name: TRACED_SCENARIO })) {
    done = begin('starting a second Offers and Users with tracing on, exporting OTLP to a local receiver')
    traced = await startTracedServices(cleanup, database.urls, files, options)
    services.usersTraced = traced.users
    services.offersTraced = traced.offers
    done(`${healthy(traced.users)}, ${healthy(traced.offers)}, receiver ${traced.receiver.endpoint}`)
  }

  // every process of a kind: those a scenario does not load stay idle
  const all = (...procs: Array<RunningProcess | undefined>) => () => procs.filter((p) => p).map((p) => p!.pid)
  const cpuGroups: Record<string, () => number[]> = {
    users: all(services.users, services.usersRedis, services.usersMetrics, services.usersTraced),
    ...(redisPid ? { redis: () => [redisPid!] } : {}),
    offers: all(services.offers, services.offersMetrics, services.offersTraced),
    ...(database.postmasterPid ? { postgres: () => withChildren(database.postmasterPid!) } : {}),
    autocannon: () => [process.pid]
  }
  const ctx = { services, http, ca, options, cpuGroups }
  const reader = await http.readerToken(services.users.origin, username(1), PASSWORD, seededMain.users.minId)
  const main: Record<string, ScenarioResult> = {}
  const scenarios: Array<Scenario | { name: string, route: string, skipped: string }> =
    mainScenarios({ seeded: seededMain, reader })
  // last: the offers they add to the reader would change what the reader's reads answer
  scenarios.push(...editScenarios({ db, reader, loadSeconds: options.warmupSeconds + options.seconds }))
  if (selected({ name: USER_GET_LB })) {
    done = begin('HAProxy in front of both services (TLS in and out, health checks on /ready)')
    const balancer = await startBalancer(cleanup, services, files)
    const userGet = scenarios.find((s) => s.name === 'user_get') as Scenario
    if (typeof balancer === 'string') {
      done(`not started: ${balancer}`)
      scenarios.splice(1, 0, { name: USER_GET_LB, route: `${userGet.route} via HAProxy`, skipped: balancer })
    } else {
      done(`users ${balancer.urls.users}, offers ${balancer.urls.offers} (pid ${balancer.pid})`)
      cpuGroups.haproxy = () => [balancer.pid]
      scenarios.splice(1, 0, throughBalancer(userGet, USER_GET_LB, balancer.urls.users!))
    }
  }
  // right after user_get, so that the two runs see the machine alike
  if (traced) scenarios.splice(1, 0, tracedScenario(scenarios.find((s) => s.name === 'user_get') as Scenario))
  let ceiling: BcryptCeiling | undefined
  for (const scenario of scenarios.filter(selected)) {
    if ('skipped' in scenario) {
      main[scenario.name] = { route: scenario.route, skipped: scenario.skipped }
      continue
    }
    if (scenario.ratioOf === 'bcrypt') ceiling ??= await bcryptCeiling(BCRYPT_COST, options.seconds)
    main[scenario.name] = await measure(scenario, ctx)
    // a traced run whose spans went nowhere would measure nothing of tracing's cost
    if (scenario.name === TRACED_SCENARIO && traced?.receiver.exports() === 0) {
      main[scenario.name] = { route: scenario.route, skipped: 'the traced services exported no spans' }
    }
  }
  ceiling ??= await bcryptCeiling(BCRYPT_COST, options.seconds)
  Object.assign(main, await measurePages(db, passwordHash, seededMain, ctx, selected))
  const scaled = await scale(db, passwordHash, ctx, selected)
  // the two services as deployed; the second Users (limits in Redis) is there for one scenario only
  const footprint = footprints({ users: services.users, offers: services.offers }, idle)
  if (options.profileDir) {
    await Promise.all([services.users.stop(), services.offers.stop()])
    log(`CPU profiles of both services in ${path.relative(process.cwd(), options.profileDir)}/`)
  }

  const seed = { users: seededMain.users.count, offers: seededMain.offers.count }
  const inputs = { options, bcryptCost: BCRYPT_COST, seed, bare, bcrypt: ceiling, main, scale: scaled, footprint }
  const report = buildReport(inputs)
  await mkdir(resultsDir, { recursive: true })
  await writeFile(path.join(resultsDir, 'latest.json'), JSON.stringify(report, null, 2) + '\n')
  await writeFile(path.join(resultsDir, 'latest.svg'), chartSvg(report))
  const tables = [formatTable(report), formatFootprintTable(report), formatCpuTable(report), formatTargets(report)]
  process.stdout.write(`\n${tables.join('\n\n')}\n\n`)
  log(`wrote ${path.relative(process.cwd(), path.join(resultsDir, 'latest.json'))} and latest.svg`)
  // Targets are reported, not enforced; a scenario that could not run or answered errors fails the run.
  return report.targets[0]!.met ? 0 : 1
}

let options: BenchOptions
try {
  options = parseOptions(process.argv.slice(2), process.env, resultsDir)
} catch (err) {
  process.stderr.write(`[bench] ${(err as Error).message}\n`)
  process.exit(2)
}
const cleanup = new Cleanup()
cleanup.onSignals()
const started = Date.now()
let code = 1
try {
  code = await run(options, cleanup)
} catch (err) {
  if (!cleanup.interrupted) process.stderr.write(`\n[bench] failed: ${(err as Error).stack ?? String(err)}\n`)
} finally {
  await cleanup.run()
}
log(`finished in ${((Date.now() - started) / 1000).toFixed(0)} s, everything stopped and removed`)
process.exit(code)
