// A PostgreSQL cluster of one test file's own, bootstrapped and migrated, that the test may stop, kill and start
// again without disturbing the run's shared server: for outage tests.
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort, initCluster, processEnded, runningPid, startCluster, stopCluster } from '@app/devstack'
import { prepareDatabase } from '@app/migrator'
import { testSettings } from './provider.ts'

export interface PrivatePostgres {
  /** superuser URL of the database, for setup and assertions only */
  adminUrl: string
  usersUrl: string
  offersUrl: string
  /** fast shutdown: sessions are ended with 57P01 (admin_shutdown), then the server exits */
  stop: () => Promise<void>
  /** SIGKILL to the postmaster and every backend at once, as an OOM kill or a killed container does */
  kill: () => Promise<void>
  /** starts it again (after a kill, through crash recovery); resolves once it accepts connections */
  start: () => Promise<void>
}

interface Teardown { teardown: (fn: () => Promise<void>) => void }

const DATABASE = 'classifieds'

/**
 * The processes whose parent is `pid` (the postmaster's backends and helpers), read from /proc. Without /proc
 * (not Linux) none: the backends then end by themselves once they see their postmaster gone.
 */
function children (pid: number): number[] {
  const found: number[] = []
  for (const entry of existsSync('/proc') ? readdirSync('/proc') : []) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // the command name sits in parentheses and may hold spaces: the fields after it are state, ppid, …
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) found.push(Number(entry))
    } catch {
      // the process ended while the list was read
    }
  }
  return found
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function startPrivatePostgres (t: Teardown): Promise<PrivatePostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), 'test-pg-private-'))
  const dataDir = path.join(dir, 'data')
  const password = randomBytes(12).toString('hex')
  const port = await freePort()
  // as fast as the run's server, but a commit's WAL is written before it is acknowledged, so a killed server
  // loses none (fsync stays off: what the kernel holds survives a killed process)
  const cluster = { dataDir, port, password, settings: { ...testSettings, synchronous_commit: 'on' } }
  t.teardown(async () => {
    await stopCluster(dataDir)
    await rm(dir, { recursive: true, force: true })
  })
  await initCluster(cluster)
  await startCluster(cluster)
  const server = `postgres://postgres:${password}@127.0.0.1:${port}`
  const urls = await prepareDatabase(`${server}/postgres`, DATABASE, {
    users_svc: randomBytes(12).toString('hex'),
    offers_svc: randomBytes(12).toString('hex')
  })
  return {
    adminUrl: `${server}/${DATABASE}`,
    usersUrl: urls.users,
    offersUrl: urls.offers,
    stop: () => stopCluster(dataDir),
    async kill () {
      const pid = await runningPid(dataDir)
      if (!pid) return
      const all = [pid, ...children(pid)]
      for (const p of all) {
        try {
          process.kill(p, 'SIGKILL')
        } catch {
          // already gone
        }
      }
      for (const deadline = Date.now() + 10_000; !all.every(processEnded) && Date.now() < deadline;) await pause(20)
    },
    async start () {
      // after a kill the old server's shared memory may still be attached for a moment: pg_ctl then refuses
      for (let attempt = 0; ; attempt++) {
        try {
          return await startCluster(cluster)
        } catch (err) {
          if (attempt >= 50) throw err
          await pause(200)
        }
      }
    }
  }
}
