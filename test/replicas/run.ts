// `pnpm test:replicas`: replicas behind HAProxy (test/replicas/*.test.ts, one file at a time so that their load
// and timings do not overlap). Installs Debian's haproxy and redis-server when missing (root + apt), rebuilds the
// bundles when older than their sources, then prints the suite's numbers and "N passed, M failed" as plain lines.
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { userInfo } from 'node:os'
import path from 'node:path'
import { repoRoot, systemProgram } from '@app/devstack'
import { assertFreshBuild } from '@app/testing'

const log = (msg: string) => process.stdout.write(`[replicas] ${msg}\n`)
const started = Date.now()

/** Runs a command with its output shown; resolves with its exit code and, when asked, what it printed. */
function run (file: string, args: string[], capture = false): Promise<{ code: number, output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: repoRoot, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] })
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      process.stdout.write(chunk)
    })
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }))
  })
}

const packages: Record<string, string> = { haproxy: 'haproxy', 'redis-server': 'redis-server' }
const missing = Object.keys(packages).filter((program) => !systemProgram(program))
if (missing.length && userInfo().uid === 0 && systemProgram('apt-get')) {
  log(`installing ${missing.join(', ')} from Debian's packages`)
  await run('apt-get', ['update', '-qq'])
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing.map((p) => packages[p]!)])
}
const stillMissing = Object.keys(packages).filter((program) => !systemProgram(program))
if (stillMissing.length) {
  log(`${stillMissing.join(' and ')} not installed (Debian: apt-get install ${stillMissing.join(' ')})`)
  process.stdout.write('replicas: 0 passed, 1 failed\n')
  process.exit(1)
}

try {
  assertFreshBuild()
} catch (err) {
  // under pnpm, npm_execpath is pnpm itself
  const pnpm = process.env.npm_execpath
  if (!pnpm) throw err
  log(`${(err as Error).message.replace(/: run .*/, '')}: building`)
  if ((await run(process.execPath, [pnpm, 'build'])).code !== 0) process.exit(1)
}

const dir = path.join(repoRoot, 'test', 'replicas')
const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => path.join('test', 'replicas', f))
const tap = path.join(repoRoot, 'node_modules', '.bin', 'tap')
const { code, output } = await run(tap, ['--jobs=1', '--timeout=300', ...files], true)

const numbers = output.split('\n').map((line) => /^\s*# replicas: (.*)$/.exec(line)?.[1]).filter(Boolean)
const totals = /# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?(?:, skip: (\d+))?/.exec(output)
log(`finished in ${((Date.now() - started) / 1000).toFixed(0)} s`)
for (const line of numbers) log(line!)
const [pass, fail, skip] = [totals?.[2], totals?.[3], totals?.[4]].map((n) => Number(n ?? 0))
const failed = fail! || (code !== 0 ? 1 : 0)
// the plain closing line CI reads
process.stdout.write(`replicas: ${pass} passed, ${failed} failed${skip ? `, ${skip} skipped` : ''}\n`)
process.exit(code)
