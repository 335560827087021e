// Reads a Prometheus text exposition over plain HTTP, as Prometheus would: each sample by its series.
import { request } from 'undici'

export interface Scrape {
  status: number
  contentType: string
  /** the samples, keyed by the series as written: `name{label="value",…}` */
  samples: Map<string, number>
  /** the metric names (# TYPE lines) */
  names: Set<string>
}

export async function scrapeMetrics (url: string): Promise<Scrape> {
  const res = await request(url)
  const text = await res.body.text()
  const samples = new Map<string, number>()
  const names = new Set<string>()
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) /.exec(line)
    if (type) names.add(type[1]!)
    if (!line || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    samples.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return { status: res.statusCode, contentType: String(res.headers['content-type']), samples, names }
}

/** A sample's value, 0 when the series is absent. */
export const sample = (scrape: Scrape, series: string): number => scrape.samples.get(series) ?? 0
