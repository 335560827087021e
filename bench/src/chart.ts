// An SVG chart of the report, made without dependencies: requests/s and p99 latency per scenario, log scales.
import type { Report } from './report.ts'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

interface Panel { title: string, x: number, values: Array<number | null>, unit: string, color: string }

const ROW = 22
const TOP = 56
const LABEL = 210
const WIDTH = 330

function bars (panel: Panel): string {
  const present = panel.values.filter((v): v is number => v !== null && v > 0)
  const max = Math.log10(Math.max(10, ...present) * 1.2)
  const min = Math.log10(Math.max(0.1, Math.min(1, ...present) / 2))
  const scale = (v: number) => Math.max(2, ((Math.log10(v) - min) / (max - min)) * WIDTH)
  const out = [`<text x="${panel.x}" y="${TOP - 16}" class="h">${esc(panel.title)} (log scale)</text>`]
  panel.values.forEach((v, i) => {
    const y = TOP + i * ROW
    if (v === null || v <= 0) {
      out.push(`<text x="${panel.x}" y="${y + 14}" class="v">n/a</text>`)
      return
    }
    const w = scale(v)
    const label = `${v.toLocaleString('en-US', { maximumFractionDigits: v < 10 ? 1 : 0 })} ${panel.unit}`
    out.push(`<rect x="${panel.x}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW - 6}" fill="${panel.color}"/>`)
    out.push(`<text x="${(panel.x + w + 4).toFixed(1)}" y="${y + 15}" class="v">${esc(label)}</text>`)
  })
  return out.join('\n')
}

export function chartSvg (report: Report): string {
  const entries = Object.entries(report.scenarios)
  const height = TOP + entries.length * ROW + 30
  const width = LABEL + 2 * (WIDTH + 110) + 20
  const labels = entries.map(([name], i) =>
    `<text x="${LABEL - 8}" y="${TOP + i * ROW + 15}" class="l">${esc(name)}</text>`)
  const subtitle = `${report.settings.mode} run, ${report.settings.connections} connections, ` +
    `${report.settings.seconds} s each · ${report.machine.cores} cores, ${report.node} · ${report.date.slice(0, 16)}Z`
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">
<style>.h{font-weight:600}.l{text-anchor:end}.v{fill:#333}.s{fill:#666}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="18" class="h">pnpm bench</text>
<text x="100" y="18" class="s">${esc(subtitle)}</text>
${labels.join('\n')}
${bars({ title: 'requests/s', x: LABEL, values: entries.map(([, r]) => r.rps), unit: '/s', color: '#4c78a8' })}
${bars({
  title: 'p99 latency',
  x: LABEL + WIDTH + 110,
  values: entries.map(([, r]) => r.p99_ms),
  unit: 'ms',
  color: '#f58518'
})}
</svg>
`
}
