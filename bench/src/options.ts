// Command-line options of `pnpm bench`: --quick shortens every timed phase; BENCH_DATABASE_URL picks the server.
export interface BenchOptions {
  quick: boolean
  /** seconds of unrecorded load before each recorded run */
  warmupSeconds: number
  /** seconds of each recorded run */
  seconds: number
  /** concurrent keep-alive connections of every run */
  connections: number
  /** only these scenarios (the baselines always run) */
  only?: string[]
  /** write a CPU profile of each service to this directory */
  profileDir?: string
  /** copy the service logs to this directory at the end */
  logsDir?: string
  /** an admin URL of a PostgreSQL server to use instead of the embedded one */
  adminUrl?: string
  /** BENCH_NODE_ARGS: extra node arguments for both services (V8 heap flags), for experiments */
  nodeArgs?: string[]
}

const usage = 'usage: pnpm bench [--quick] [--only scenario,scenario…] [--profile] [--keep-logs]'

export function parseOptions (argv: string[], env: NodeJS.ProcessEnv, resultsDir: string): BenchOptions {
  const args = argv.filter((a) => a !== '--')
  let quick = false
  let profile = false
  let keepLogs = false
  let only: string[] | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--quick') quick = true
    else if (arg === '--profile') profile = true
    else if (arg === '--keep-logs') keepLogs = true
    else if (arg === '--only' && args[i + 1]) only = args[++i]!.split(',').filter(Boolean)
    else if (arg.startsWith('--only=')) only = arg.slice('--only='.length).split(',').filter(Boolean)
    else throw new Error(`unknown argument ${arg}; ${usage}`)
  }
  const adminUrl = env.BENCH_DATABASE_URL || undefined
  if (adminUrl && !/^postgres(ql)?:\/\//.test(adminUrl)) throw new Error('BENCH_DATABASE_URL must be a postgres:// admin URL')
  const nodeArgs = env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean)
  return {
    quick,
    warmupSeconds: quick ? 1 : 3,
    seconds: quick ? 3 : 15,
    connections: 10,
    ...(only ? { only } : {}),
    ...(profile ? { profileDir: `${resultsDir}profiles` } : {}),
    ...(keepLogs ? { logsDir: `${resultsDir}logs` } : {}),
    ...(adminUrl ? { adminUrl } : {}),
    ...(nodeArgs?.length ? { nodeArgs } : {})
  }
}
