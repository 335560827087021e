// Ajv, set up once: request bodies are checked as sent (no type coercion: "5" is not 5), URL parts are coerced
// from text; the tests' response checks use the same setup.
import AjvModule, { type Options } from 'ajv'
import formatsModule from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'

const Ajv = AjvModule.default
const addFormats = formatsModule.default

/** Ajv with the formats the contract uses (email, date-time, uri); `strict: false` for OpenAPI keywords. */
export function createAjv (options: Options = {}): InstanceType<typeof Ajv> {
  const ajv = new Ajv({ strict: false, ...options })
  addFormats(ajv)
  return ajv
}

export function validatorCompiler (): FastifySchemaCompiler<unknown> {
  const options = { useDefaults: true, removeAdditional: false, allErrors: false } as const
  const strictBody = createAjv({ ...options, coerceTypes: false })
  const fromText = createAjv({ ...options, coerceTypes: true })
  return ({ schema, httpPart }) => (httpPart === 'body' ? strictBody : fromText).compile(schema as object)
}
