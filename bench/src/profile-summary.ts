// Where a service's CPU time goes: self time of a V8 .cpuprofile (from `pnpm bench --profile`) by package and
// by function.
import { readFileSync } from 'node:fs'
import path from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  children?: number[]
}
interface Profile { nodes: ProfileNode[], samples: number[], timeDeltas: number[] }

/** The package a script belongs to, node's own modules by name, the repository's files by path. */
export function owner (url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  const pkg = url.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/) ?? url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)
  if (pkg) return pkg[1]!
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/').slice(0, 2).join('/')
  const repo = url.match(/\/(services|packages|bench)\/(.+)$/)
  return repo ? `${repo[1]}/${repo[2]!.split('/').slice(0, 3).join('/')}` : path.basename(url)
}

export function summarize (profile: Profile, top = 20): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id)
  const stack = (id: number) => {
    const owners = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame
      if (frame.url) owners.add(owner(frame.url, frame.functionName))
    }
    return owners
  }
  // Startup is module loading (node's loaders; tsx's too when the entry was TypeScript): left out, it is not
  // what a request costs. With --profile the services run tsc's dist/ (plain JavaScript, one file per module), so
  // their profiles hold no tsx and name every package.
  const loading = (owners: Set<string>) => owners.has('tsx') || [...owners].some((o) => o.startsWith('node:modules/'))
  const selfMs = new Map<number, number>()
  let startupMs = 0
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000
    if (loading(stack(id))) startupMs += ms
    else selfMs.set(id, (selfMs.get(id) ?? 0) + ms)
  })
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0)
  const idle = [...selfMs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
    .reduce((a, [, ms]) => a + ms, 0)
  const busy = total - idle
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms)
  const packages = new Map<string, number>()
  const functions = new Map<string, number>()
  // inclusive: a sample counts once for every package on its stack, e.g. all the time pino's code was running
  const inclusive = new Map<string, number>()
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    if (functionName === '(idle)') continue
    add(packages, owner(url, functionName), ms)
    add(
      functions, `${functionName || '(anonymous)'}  ${owner(url, functionName)}${url ? `:${lineNumber + 1}` : ''}`, ms
    )
    for (const pkg of stack(id)) add(inclusive, pkg, ms)
  }
  const table = (title: string, map: Map<string, number>) => [
    title,
    ...[...map].sort((a, b) => b[1] - a[1]).slice(0, top)
      .map(([key, ms]) => `  ${(100 * ms / busy).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${key}`)
  ].join('\n')
  return [
    `busy ${(busy / 1000).toFixed(1)} s of ${(total / 1000).toFixed(1)} s sampled (the rest idle); ` +
      `module loading at startup (${(startupMs / 1000).toFixed(1)} s) left out`,
    table('self time by package:', packages),
    table('inclusive time by package (on the stack):', inclusive),
    table('self time by function:', functions)
  ].join('\n\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2]
  if (!file) {
    process.stderr.write('usage: node --import tsx bench/src/profile-summary.ts <file.cpuprofile> [top]\n')
    process.exit(2)
  }
  process.stdout.write(
    summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 20)) + '\n'
  )
}
