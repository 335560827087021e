// pino options shared by both services: JSON lines, request ids, and redaction of every secret we know of.
import type { FastifyServerOptions } from 'fastify'

export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.current_password',
  '*.refresh_token',
  '*.access_token',
  '*.token',
  'body.password',
  'body.current_password',
  'body.refresh_token'
]

export function loggerOptions (level: string): FastifyServerOptions['logger'] {
  if (level === 'silent') return false
  return { level, redact: { paths: redactedPaths, censor: '[redacted]' } }
}
