// The Offers service's configuration: environment variables, their defaults per APP_SETTINGS, and what buildApp gets.
import { Type, type Static } from 'typebox'
import { commonConfig, commonDefaults, loadConfig, type AppSettings, type PublicJwk } from '@app/service-kit'

export const OffersSettings = Type.Object({ ...commonConfig })
export type OffersSettings = Static<typeof OffersSettings> & { APP_SETTINGS: AppSettings }

export function loadOffersSettings (env: Record<string, string | undefined>): OffersSettings {
  return loadConfig(OffersSettings, commonDefaults('offers', 3002), env)
}

/** Settings plus the material server.ts reads from files. */
export interface OffersConfig extends OffersSettings {
  tls?: { key: string, cert: string }
  publicKeys: PublicJwk[]
}
