// The report as text: a Markdown table of the scenarios (pasteable into the README) and the targets.
import type { Report, Row } from './report.ts'

const num = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

function rss (r: Row): string {
  if (!r.rss_mb) return '–'
  return Object.entries(r.rss_mb).map(([name, mb]) => `${name} ${mb}`).join(' / ')
}

function ratio (r: Row): string {
  if (r.ratio === null) return '–'
  const of = r.ratio_of?.startsWith('bare') ? 'bare' : r.ratio_of?.startsWith('bcrypt') ? 'bcrypt' : '1k'
  return `${num(r.ratio, 2)} × ${of}`
}

export function formatTable (report: Report): string {
  const head = ['scenario', 'route', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'RSS MB', 'ratio']
  const body = Object.entries(report.scenarios).map(([name, r]) => r.skipped
    ? [name, r.route, 'skipped', '', '', '', '', '', '', r.skipped.split(':')[0]!]
    : [name, r.route, num(r.rps, 1), num(r.p50_ms), num(r.p99_ms), num(r.max_ms), num(r.non2xx), num(r.errors), rss(r), ratio(r)])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => i >= 2 && i <= 7 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)).join(' | ')} |`
  const rule = `|${widths.map((w, i) => i >= 2 && i <= 7 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2)).join('|')}|`
  return [line(head), rule, ...body.map(line)].join('\n')
}

export function formatTargets (report: Report): string {
  return report.targets.map((t) => `${t.met ? 'met    ' : 'NOT MET'}  ${t.what}: ${num(t.value, 3)} (target ${t.goal})`).join('\n')
}
