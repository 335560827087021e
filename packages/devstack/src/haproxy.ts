// HAProxy from the system's package in front of service processes: TLS terminated with a local certificate,
// re-encrypted to each server (verified against the local CA), the client address in X-Forwarded-For, health
// checks on /ready over HTTPS. For the replica tests and the bench; never part of a service.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from './port.ts'
import { supervise, type Supervised } from './node-process.ts'

/** The loopback address the balancer connects to the services from: the one their TRUST_PROXY lists. */
export const BALANCER_SOURCE_ADDRESS = '127.0.0.2'

/** A program on PATH or in the sbin directories, which a non-root PATH often lacks (Debian puts HAProxy there). */
export function systemProgram (name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(path.isAbsolute), '/usr/sbin', '/usr/local/sbin']
  return dirs.map((dir) => path.join(dir, name)).find((file) => existsSync(file))
}

export interface BalancedService {
  /** the frontend's and the backend's name, e.g. users */
  name: string
  /** ports on 127.0.0.1 of the service's processes */
  serverPorts: number[]
}

export interface HaproxyOptions {
  /** where the config, the frontend's PEM, the stats socket and the log go (a short path: a unix socket) */
  workDir: string
  services: BalancedService[]
  /** the CA that signed the services' certificates: each server is verified against it */
  caFile: string
  /** the balancer's own certificate (chain) and key, both PEM, from the same CA */
  certFile: string
  keyFile: string
  /** the address the balancer connects to the services from: what their TRUST_PROXY lists */
  sourceAddress: string
  /** health check of /ready: every intervalMs, fall failures take a server out, rise successes bring it back */
  check?: { intervalMs: number, fall: number, rise: number }
}

export interface Haproxy {
  /** https://127.0.0.1:<port> of each service's frontend, by name */
  urls: Record<string, string>
  pid: number
  /** status of each server (UP, DOWN, MAINT, …) by "backend/server", e.g. users/users1 */
  serverStatus: () => Promise<Record<string, string>>
  /** resolves once the server has the status (the balancer's own view); throws after timeoutMs */
  waitFor: (server: string, status: 'UP' | 'DOWN', timeoutMs?: number) => Promise<void>
  /** the balancer's counters by "backend/server": retries, redispatches, connection and response errors */
  counters: () => Promise<Record<string, {
    retries: number,
    redispatches: number,
    connErrors: number,
    respErrors: number,
    requests: number
  }>>
  /** its stderr and stdout so far */
  output: () => string
  stop: () => Promise<void>
}

/**
 * A stopping replica leaves rotation within about a second (fall × interval), well inside its drain. The interval
 * also bounds the check's TLS handshake: shorter, a busy 2-core machine fails checks of healthy servers.
 */
const defaultCheck = { intervalMs: 500, fall: 2, rise: 2 }

export function serverName (service: string, index: number): string {
  return `${service}${index + 1}`
}

/** The configuration text; `frontendPorts` by service name. */
export function haproxyConfig (opts: HaproxyOptions, frontendPorts: Record<string, number>, pemFile: string): string {
  const check = opts.check ?? defaultCheck
  const socket = path.join(opts.workDir, 'haproxy.sock')
  const server = [
    `ssl verify required ca-file ${opts.caFile} verifyhost localhost sni str(localhost) check-sni localhost`,
    `check inter ${check.intervalMs} fall ${check.fall} rise ${check.rise}`,
    `source ${opts.sourceAddress}`
  ].join(' ')
  const lines = [
    'global',
    `  stats socket ${socket} mode 600 level admin`,
    '  maxconn 4000',
    '  ssl-server-verify required',
    '  ssl-default-bind-options ssl-min-ver TLSv1.2',
    '  ssl-default-server-options ssl-min-ver TLSv1.2',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-keep-alive 10s',
    '  timeout queue 5s',
    '  timeout check 2s',
    // the client's address appended to X-Forwarded-For: the services believe it from sourceAddress only
    '  option forwardfor',
    // tried again, on another server: a connection refused or reset before the request was sent, and a read that
    // got no answer at all (its server died, or closed a pooled connection as the request went out); a write a
    // server may have done before it died is never replayed (disable-l7-retry in each backend)
    '  retries 3',
    '  retry-on conn-failure empty-response',
    '  option redispatch 1',
    '  option httpchk',
    '  http-check send meth GET uri /ready ver HTTP/1.1 hdr Host localhost',
    '  http-check expect status 200',
    `  default-server ${server}`,
    ''
  ]
  for (const service of opts.services) {
    lines.push(
      `frontend ${service.name}`,
      `  bind 127.0.0.1:${frontendPorts[service.name]} ssl crt ${pemFile} alpn http/1.1`,
      '  http-request set-header X-Forwarded-Proto https',
      `  default_backend ${service.name}`,
      '',
      `backend ${service.name}`,
      '  balance roundrobin',
      // reads: GET and HEAD, and Offers' lookup POST /offer/ (it only reads)
      '  http-request disable-l7-retry if !METH_GET !{ path /offer/ }',
      // which replica answered, for tests that follow a client across replicas
      '  http-response set-header X-Served-By %[srv_name]',
      ...service.serverPorts.map((port, i) => `  server ${serverName(service.name, i)} 127.0.0.1:${port}`),
      ''
    )
  }
  return lines.join('\n')
}

/** HAProxy reads the certificate chain and its key from one file: written 0600, its path answered. */
export async function writePem (tls: { certFile: string, keyFile: string }, file: string): Promise<string> {
  await writeFile(file, `${await readFile(tls.certFile, 'utf8')}${await readFile(tls.keyFile, 'utf8')}`,
    { mode: 0o600 })
  return file
}

/** One command on the stats socket, its whole answer. */
function ask (socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = connect(socket)
    let text = ''
    conn.setEncoding('utf8')
    conn.on('data', (chunk: string) => { text += chunk })
    conn.on('end', () => resolve(text))
    conn.on('error', reject)
    conn.write(`${command}\n`)
  })
}

/** `show stat` as one record per proxy/server line, keyed by the CSV header's names. */
async function stats (socket: string): Promise<Array<Record<string, string>>> {
  const [header = '', ...rows] = (await ask(socket, 'show stat')).trim().split('\n')
  const names = header.replace(/^# /, '').split(',')
  return rows.map((row) => Object.fromEntries(row.split(',').map((value, i) => [names[i], value])))
}

async function listening (port: number, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
    const ok = await new Promise<boolean>((resolve) => {
      const conn = connect({ host: '127.0.0.1', port }, () => { conn.destroy(); resolve(true) })
      conn.on('error', () => resolve(false))
    })
    if (ok) return true
  }
  return false
}

/** Validates the configuration (`haproxy -c`), then runs HAProxy in the foreground until stop(). */
export async function startHaproxy (opts: HaproxyOptions): Promise<Haproxy> {
  const binary = systemProgram('haproxy')
  if (!binary) throw new Error('haproxy is not installed (Debian: apt-get install haproxy)')
  const frontendPorts: Record<string, number> = {}
  for (const service of opts.services) frontendPorts[service.name] = await freePort()
  const pemFile = await writePem(opts, path.join(opts.workDir, 'balancer.pem'))
  const configFile = path.join(opts.workDir, 'haproxy.cfg')
  await writeFile(configFile, haproxyConfig(opts, frontendPorts, pemFile))
  const socket = path.join(opts.workDir, 'haproxy.sock')
  const logFile = path.join(opts.workDir, 'haproxy.log')
  let output = ''
  const child = spawn(binary, ['-db', '-f', configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const proc: Supervised = supervise(child)
  const stop = async () => {
    await proc.stop(5_000)
    await writeFile(logFile, output)
  }
  const first = opts.services[0]!.name
  if (!await listening(frontendPorts[first]!, 10_000) || !proc.running()) {
    await stop()
    throw new Error(`haproxy did not start:\n${output}`)
  }
  const serverStatus = async () => Object.fromEntries((await stats(socket))
    .filter((s) => !['FRONTEND', 'BACKEND'].includes(s.svname!))
    .map((s) => [`${s.pxname}/${s.svname}`, s.status!.split(' ')[0]!]))
  return {
    urls: Object.fromEntries(Object.entries(frontendPorts).map(([name, port]) => [name, `https://127.0.0.1:${port}`])),
    pid: child.pid!,
    serverStatus,
    async waitFor (server, status, timeoutMs = 30_000) {
      let seen: string | undefined
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
        seen = (await serverStatus())[server]
        if (seen === status) return
      }
      throw new Error(`${server} did not become ${status} within ${timeoutMs} ms (last: ${seen})`)
    },
    async counters () {
      const n = (v: string | undefined) => Number(v) || 0
      return Object.fromEntries((await stats(socket))
        .filter((s) => !['FRONTEND', 'BACKEND'].includes(s.svname!))
        .map((s) => [`${s.pxname}/${s.svname}`, {
          retries: n(s.wretr),
          redispatches: n(s.wredis),
          connErrors: n(s.econ),
          respErrors: n(s.eresp),
          requests: n(s.stot)
        }]))
    },
    output: () => output,
    stop
  }
}
