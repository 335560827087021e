// A Docker engine for the container tests: the one that answers, or one started here (root + apt), stopped after.
import { spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { supervise } from '@app/devstack'
import { run, succeeds } from './command.ts'

export interface Engine {
  /** how compose is called: ['docker', 'compose'] (v2) or ['docker-compose'] (v1) */
  compose: string[]
  stop: () => Promise<void>
}

const PACKAGES = ['docker.io', 'docker-compose', 'debootstrap']

const answers = () => succeeds('docker', ['info'], { timeoutMs: 15_000 })
const have = (command: string) => succeeds('sh', ['-c', `command -v ${command}`])

async function composeCommand (): Promise<string[]> {
  if (await succeeds('docker', ['compose', 'version'])) return ['docker', 'compose']
  if (await have('docker-compose')) return ['docker-compose']
  throw new Error('the engine answers but neither `docker compose` nor `docker-compose` is installed')
}

/** Why this machine cannot run the container tests, or null when it can (an engine, or root with apt-get). */
export async function cannotRun (): Promise<string | null> {
  if (await have('docker') && await answers()) return null
  if (process.getuid?.() !== 0) return 'no Docker engine answers and this user is not root (cannot start one)'
  if (!await have('apt-get')) return 'no Docker engine answers and there is no apt-get to install one'
  return null
}

/**
 * Installs what is missing with apt-get and starts dockerd with no bridge network and no iptables rules (these
 * machines allow loopback traffic only: every container uses host networking), logging to logFile.
 */
async function startEngine (logFile: string, log: (msg: string) => void): Promise<() => Promise<void>> {
  const missing = []
  for (const [pkg, command] of [
    ['docker.io', 'dockerd'], ['docker-compose', 'docker-compose'], ['debootstrap', 'debootstrap']
  ]) {
    if (!await have(command!)) missing.push(pkg!)
  }
  if (missing.length) {
    log(`installing ${missing.join(', ')} with apt-get`)
    await run('apt-get', ['update', '-qq'], { timeoutMs: 300_000 })
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...PACKAGES], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeoutMs: 600_000
    })
  }
  const fd = openSync(logFile, 'a')
  const dockerd = spawn(
    'dockerd',
    ['--data-root', '/var/lib/docker', '--bridge=none', '--iptables=false', '--ip6tables=false'],
    { stdio: ['ignore', fd, fd], detached: true }
  )
  closeSync(fd)
  const engine = supervise(dockerd)
  log(`started dockerd (pid ${dockerd.pid}, log ${logFile})`)
  const stop = async () => {
    if (!engine.running()) return
    await engine.stop(30_000)
    log(`stopped dockerd (pid ${dockerd.pid})`)
  }
  for (let i = 0; i < 60; i++) {
    if (await answers()) return stop
    if (!engine.running()) break
    await sleep(1000)
  }
  await stop()
  throw new Error(`dockerd did not answer within 60 s; see ${logFile}`)
}

export async function ensureEngine (logFile: string, log: (msg: string) => void): Promise<Engine> {
  const running = await have('docker') && await answers()
  const stop = running ? async () => {} : await startEngine(logFile, log)
  if (running) log('using the Docker engine that answers')
  return { compose: await composeCommand(), stop }
}

/** docker info's server version, for the report. */
export async function engineVersion (): Promise<string> {
  return (await run('docker', ['version', '--format', '{{.Server.Version}}'])).trim()
}
