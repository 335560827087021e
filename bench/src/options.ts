// Command-line options of `pnpm bench`: --quick shortens every timed phase; BENCH_DATABASE_URL picks the server.
export interface BenchOptions {
  quick: boolean
  /** seconds of unrecorded load before each recorded run */
  warmupSeconds: number
  /** seconds of each recorded run */
  seconds: number
  /** concurrent keep-alive connections of every run */
  connections: number
  /** an admin URL of a PostgreSQL server to use instead of the embedded one */
  adminUrl?: string
}

const usage = 'usage: pnpm bench [--quick]'

export function parseOptions (argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const unknown = argv.filter((a) => a !== '--quick' && a !== '--')
  if (unknown.length) throw new Error(`unknown argument ${unknown.join(' ')}; ${usage}`)
  const quick = argv.includes('--quick')
  const adminUrl = env.BENCH_DATABASE_URL || undefined
  if (adminUrl && !/^postgres(ql)?:\/\//.test(adminUrl)) throw new Error('BENCH_DATABASE_URL must be a postgres:// admin URL')
  return { quick, warmupSeconds: quick ? 1 : 3, seconds: quick ? 3 : 15, connections: 10, ...(adminUrl ? { adminUrl } : {}) }
}
