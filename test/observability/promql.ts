// What the observability tests share: where infra/observability is, Prometheus' binaries (Debian's package), the
// metric names a PromQL expression reads, and every expression of the alerting rules and the dashboard.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const observabilityDir = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../infra/observability')

/** A Prometheus binary, or undefined; missing in CI (REQUIRE_PROMETHEUS=1) it is a failure, elsewhere a skip. */
export function prometheusBinary (name: 'prometheus' | 'promtool'): string | undefined {
  const file = `/usr/bin/${name}`
  if (existsSync(file)) return file
  if (process.env.REQUIRE_PROMETHEUS === '1') throw new Error(`${file} is missing (apt-get install prometheus)`)
  return undefined
}

// functions and keywords an identifier can be besides a metric name (the ones our expressions could use)
const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left',
  'group_right', 'inf', 'nan'])

/**
 * The metric names an expression selects: label matchers, ranges, strings and grouping lists taken out, what is left
 * that is neither a function (followed by a parenthesis) nor a keyword.
 */
export function metricNames (expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
  const names = [...bare.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)]
    .filter(([, name, call]) => !call && !keywords.has(name!.toLowerCase()))
    .map(([, name]) => name!)
  return [...new Set(names)]
}

export interface Expression { where: string, expr: string }

export function alertRules (): Array<{ alert: string, expr: string }> {
  const doc = parse(readFileSync(path.join(observabilityDir, 'alerts.yml'), 'utf8')) as {
    groups: Array<{ rules: Array<{ alert: string, expr: string }> }>
  }
  return doc.groups.flatMap((g) => g.rules)
}

export interface Dashboard { uid: string, panels: Array<{ title: string, targets: Array<{ expr: string }> }> }

export function dashboard (): Dashboard {
  return JSON.parse(readFileSync(path.join(observabilityDir, 'grafana-dashboard.json'), 'utf8')) as Dashboard
}

/** Every PromQL expression infra/observability holds, with where it is. */
export function expressions (): Expression[] {
  return [
    ...alertRules().map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
    ...dashboard().panels.flatMap((p) => p.targets.map((q) => ({ where: `panel "${p.title}"`, expr: q.expr })))
  ]
}
