// Two validators: bodies are checked as sent (no type coercion: "5" is not 5), URL parts are coerced from text.
import AjvModule, { type Options } from 'ajv'
import formatsModule from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'

const Ajv = AjvModule.default
const addFormats = formatsModule.default

function ajv (coerceTypes: boolean) {
  const options: Options = { coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, strict: false }
  const instance = new Ajv(options)
  addFormats(instance)
  return instance
}

export function validatorCompiler (): FastifySchemaCompiler<unknown> {
  const strictBody = ajv(false)
  const fromText = ajv(true)
  return ({ schema, httpPart }) => (httpPart === 'body' ? strictBody : fromText).compile(schema as object)
}
