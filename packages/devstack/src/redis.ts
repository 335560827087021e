// A throwaway redis-server from the system's package: loopback only, a free port, nothing written to disk.
import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { systemProgram } from './haproxy.ts'
import { supervise } from './node-process.ts'

export interface RedisServer {
  /** redis://127.0.0.1:<port> */
  url: string
  pid: number
  stop: () => Promise<void>
}

/** True when the server answers PING (inline command) with +PONG. */
function pong (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = connect({ host: '127.0.0.1', port }, () => conn.write('PING\r\n'))
    conn.setTimeout(1_000, () => conn.destroy())
    conn.once('data', (chunk: Buffer) => { conn.destroy(); resolve(chunk.toString().startsWith('+PONG')) })
    conn.on('error', () => resolve(false))
    conn.on('close', () => resolve(false))
  })
}

export interface RedisServerOptions {
  port: number
  /** its working directory: nothing is written there */
  dir: string
}

/** Resolves once it answers PING. */
export async function startRedisServer ({ port, dir }: RedisServerOptions, timeoutMs = 10_000): Promise<RedisServer> {
  const binary = systemProgram('redis-server')
  if (!binary) throw new Error('redis-server is not installed (Debian: apt-get install redis-server)')
  const child = spawn(binary, [
    '--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir,
    '--daemonize', 'no', '--loglevel', 'warning'
  ], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const proc = supervise(child)
  const stop = () => proc.stop(5_000)
  for (const deadline = Date.now() + timeoutMs; ; await sleep(50)) {
    if (await pong(port)) break
    if (!proc.running() || Date.now() > deadline) {
      await stop()
      throw new Error(`redis-server did not start:\n${output}`)
    }
  }
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid!, stop }
}
