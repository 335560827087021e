// Configuration fields both services have, with their defaults per APP_SETTINGS.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Type } from 'typebox'
import type { AppSettings } from './config.ts'

const certsDir = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../certs')

export const commonConfig = {
  HOST: Type.String({ minLength: 1 }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  PUBLIC_URL: Type.Optional(Type.String({ format: 'uri' })),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200 }),
  TLS_CERT_FILE: Type.String({ minLength: 1 }),
  TLS_KEY_FILE: Type.String({ minLength: 1 }),
  LOG_LEVEL: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')]),
  JWT_PUBLIC_KEYS_FILE: Type.String({ minLength: 1 }),
  JWT_ISSUER: Type.String({ minLength: 1 }),
  JWT_AUDIENCE: Type.String({ minLength: 1 })
}

type Common = Record<string, unknown>

export function commonDefaults (service: string, port: number): Record<AppSettings, Common> {
  const shared = { HOST: '::', PORT: port, DB_POOL_MAX: 10, JWT_ISSUER: 'users-service', JWT_AUDIENCE: 'classifieds' }
  const localFiles = {
    TLS_CERT_FILE: path.join(certsDir, `${service}.crt`),
    TLS_KEY_FILE: path.join(certsDir, `${service}.key`),
    JWT_PUBLIC_KEYS_FILE: path.join(certsDir, 'jwt', 'jwks.json')
  }
  return {
    development: { ...shared, ...localFiles, LOG_LEVEL: 'info' },
    testing: { ...shared, ...localFiles, LOG_LEVEL: 'silent' },
    production: { ...shared, LOG_LEVEL: 'info' }
  }
}

/** Reads the TLS pair, naming the variable whose file is missing. */
export function readTls (config: { TLS_CERT_FILE: string, TLS_KEY_FILE: string }): { cert: string, key: string } {
  for (const name of ['TLS_CERT_FILE', 'TLS_KEY_FILE'] as const) {
    if (!existsSync(config[name])) throw new Error(`${name}: no file at ${config[name]} (run "pnpm start" once to make local certificates)`)
  }
  return { cert: readFileSync(config.TLS_CERT_FILE, 'utf8'), key: readFileSync(config.TLS_KEY_FILE, 'utf8') }
}
