// Ajv, set up once: request bodies are checked as sent (no type coercion: "5" is not 5), URL parts are coerced
// from text, integers only from decimal digits; the tests' response checks use the same setup.
import AjvModule, { type ErrorObject, type Options } from 'ajv'
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

/** An integer as a URL spells it: Ajv alone would also coerce "1e3", "0x10", "+1", " 1" and "1.0". */
const DECIMAL = /^-?[0-9]+$/

/** The names of a URL part's integer fields (params and query strings are flat objects). */
function integerFields (schema: { properties?: Record<string, { type?: unknown }> }): string[] {
  return Object.entries(schema.properties ?? {}).filter(([, field]) => field.type === 'integer').map(([name]) => name)
}

type Check = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null }

/**
 * A URL part's check: its integer fields are decimal digits before Ajv coerces them, so that an id is spelt one
 * way only and anything else is the same 400 as any other bad value.
 */
function fromText (ajv: InstanceType<typeof Ajv>, schema: object): Check {
  const validate = ajv.compile(schema)
  const integers = integerFields(schema)
  if (integers.length === 0) return validate
  const check: Check = (data) => {
    const fields = (data ?? {}) as Record<string, unknown>
    const spelt = integers.find((name) => typeof fields[name] === 'string' && !DECIMAL.test(fields[name]))
    if (spelt !== undefined) {
      const error = { keyword: 'type', params: { type: 'integer' }, message: 'must be integer' }
      check.errors = [{ ...error, instancePath: `/${spelt}`, schemaPath: `#/properties/${spelt}/type` }]
      return false
    }
    const valid = validate(data)
    check.errors = validate.errors
    return valid
  }
  return check
}

export function validatorCompiler (): FastifySchemaCompiler<unknown> {
  const options = { useDefaults: true, removeAdditional: false, allErrors: false } as const
  const strictBody = createAjv({ ...options, coerceTypes: false })
  const coercing = createAjv({ ...options, coerceTypes: true })
  return ({ schema, httpPart }) =>
    httpPart === 'body' ? strictBody.compile(schema as object) : fromText(coercing, schema as object)
}
