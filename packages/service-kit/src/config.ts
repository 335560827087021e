// Loads a service's configuration once, at boot: defaults per APP_SETTINGS, then the environment, then a schema check.
import { type TObject, type Static } from 'typebox'
import { Value } from 'typebox/value'

export const appSettings = ['development', 'testing', 'production'] as const
export type AppSettings = typeof appSettings[number]

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

/**
 * Builds the configuration of schema T from env. Keys of T are the environment variable names.
 * `defaults[APP_SETTINGS]` fills what env leaves out; anything still missing or malformed is named.
 */
export function loadConfig<T extends TObject> (
  schema: T,
  defaults: Record<AppSettings, Record<string, unknown>>,
  env: Record<string, string | undefined>
): Static<T> & { APP_SETTINGS: AppSettings } {
  const settings = (env.APP_SETTINGS ?? 'development') as AppSettings
  if (!appSettings.includes(settings)) {
    throw new ConfigError([`APP_SETTINGS must be one of ${appSettings.join(', ')} (got "${settings}")`])
  }
  const raw: Record<string, unknown> = { ...defaults[settings] }
  for (const key of Object.keys(schema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const converted = Value.Convert(schema, raw) as Record<string, unknown>
  const problems = [...Value.Errors(schema, converted)].map((e) => {
    const missing = (e.params as { requiredProperties?: string[] }).requiredProperties
    if (e.keyword === 'required' && missing) return `${missing.join(', ')} is required when APP_SETTINGS=${settings}`
    return `${e.instancePath.slice(1) || 'config'} ${e.message}`
  })
  if (problems.length) throw new ConfigError(problems)
  return { ...converted, APP_SETTINGS: settings } as Static<T> & { APP_SETTINGS: AppSettings }
}
