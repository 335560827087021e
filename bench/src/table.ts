// The report as text: Markdown tables (pasteable into the README) of the scenarios, their CPU cost, the services'
// footprint, and the targets.
import { goals, missed } from './footprint.ts'
import type { Report, Row, Target } from './report.ts'

const num = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined
    ? '–'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

function markdown (head: string[], body: string[][], numeric: (column: number) => boolean): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)))
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)).join(' | ')} |`
  const rule = `|${widths.map((w, i) => numeric(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2)).join('|')}|`
  return [line(head), rule, ...body.map(line)].join('\n')
}

function rss (r: Row): string {
  if (!r.rss_mb) return '–'
  return Object.entries(r.rss_mb).map(([name, mb]) => `${name} ${mb}`).join(' / ')
}

function ratio (r: Row): string {
  if (r.ratio === null) return '–'
  const of = r.ratio_of?.startsWith('bare')
    ? 'bare'
    : r.ratio_of?.startsWith('bcrypt') ? 'bcrypt' : r.ratio_of?.startsWith('offers_page_10') ? '10 offers' : '1k'
  return `${num(r.ratio, 2)} × ${of}`
}

export function formatTable (report: Report): string {
  const head = ['scenario', 'route', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'RSS MB', 'ratio']
  const body = Object.entries(report.scenarios).map(([name, r]) => r.skipped
    ? [name, r.route, 'skipped', '', '', '', '', '', '', r.skipped.split(':')[0]!]
    : [name, r.route, num(r.rps, 1), num(r.p50_ms), num(r.p99_ms), num(r.max_ms),
        num(r.non2xx), num(r.errors), rss(r), ratio(r)])
  return markdown(head, body, (i) => i >= 2 && i <= 7)
}

/** CPU milliseconds per request by process: what each scenario costs the machine, and the noise beside it. */
export function formatCpuTable (report: Report): string {
  const measured = Object.entries(report.scenarios).filter(([, r]) => r.cpu_ms_per_req)
  const groups = [...new Set(measured.flatMap(([, r]) => Object.keys(r.cpu_ms_per_req!)))]
  const head = ['scenario', ...groups.map((g) => `${g} ms`), 'total ms', 'bare ÷ this', 'other cores']
  const body = measured.map(([name, r]) => {
    const cpu = r.cpu_ms_per_req!
    return [
      name,
      ...groups.map((g) => num(cpu[g], 2)),
      num(Object.values(cpu).reduce((a, b) => a + b, 0), 2),
      num(r.cpu_ratio, 3),
      num(r.other_cpu_cores, 2)
    ]
  })
  return 'CPU per request, by process (other cores: what the rest of the machine used meanwhile):\n' +
    markdown(head, body, (i) => i > 0)
}

/** Cold start and memory of each service on the production build, beside the throughput tables. */
export function formatFootprintTable (report: Report): string {
  const head = ['service', 'command', 'cold start ms', 'startup CPU ms', 'idle RSS MB', 'peak RSS MB', 'targets']
  const body = Object.entries(report.footprint).map(([name, f]) => {
    const misses = missed(f)
    const met = misses.length ? `NOT MET: ${misses.join(', ')}` : 'met'
    const command = ['node', ...f.node_args.filter((a) => !a.startsWith('--cpu-prof')), f.entry].join(' ')
    return [name, command, num(f.cold_start_ms), num(f.startup_cpu_ms), num(f.idle_rss_mb), num(f.peak_rss_mb), met]
  })
  const title = `Footprint of each service on the production build, node ${report.node} (targets: ${goals}):`
  return `${title}\n${markdown(head, body, (i) => i >= 2 && i <= 5)}`
}

export function formatTargets (report: Report): string {
  const value = (v: number | null) => num(v, v !== null && Number.isInteger(v) ? 0 : 3)
  const line = (t: Target) => `${t.met ? 'met    ' : 'NOT MET'}  ${t.what}: ${value(t.value)} (target ${t.goal})`
  return report.targets.map(line).join('\n')
}
