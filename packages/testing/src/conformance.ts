// Contract conformance in tests: every response must match the schema its route declares for that status.
import type { FastifyInstance } from 'fastify'
import { createAjv } from '@app/service-kit'

export interface ConformanceFailure { route: string, status: number, problem: string }

/**
 * Adds an onSend hook that checks each response against the route's declared response schema.
 * A status with no declared schema, or a body that does not match, is a failure: it is recorded and
 * the response is turned into a 500 CONFORMANCE_FAILED so that the test that made the call fails.
 */
export function enforceConformance (app: FastifyInstance): ConformanceFailure[] {
  const ajv = createAjv({ allErrors: true })
  const cache = new WeakMap<object, ReturnType<typeof ajv.compile>>()
  const failures: ConformanceFailure[] = []
  app.addHook('onSend', async (request, reply, payload) => {
    const config = request.routeOptions
    if (!config.url || config.url.startsWith('/docs') || reply.statusCode === 500) return payload
    const route = `${request.method} ${config.url}`
    const responses = (config.schema?.response ?? {}) as Record<string, object>
    const declared = responses[String(reply.statusCode)] as { content?: Record<string, { schema: object }> } | undefined
    const type = String(reply.getHeader('content-type') ?? '').split(';')[0]!
    const schema = declared?.content ? declared.content[type]?.schema : declared
    let problem: string | undefined
    if (!declared) {
      problem = `status ${reply.statusCode} is not declared`
    } else if (!schema) {
      problem = `status ${reply.statusCode} is not declared for ${type}`
    } else if (reply.statusCode !== 204) {
      let validate = cache.get(schema)
      if (!validate) cache.set(schema, validate = ajv.compile(schema))
      const body = typeof payload === 'string' ? JSON.parse(payload) : payload
      if (!validate(body)) problem = ajv.errorsText(validate.errors)
    } else if (payload !== undefined && payload !== null && payload !== '') {
      problem = '204 with a body'
    }
    if (!problem) return payload
    failures.push({ route, status: reply.statusCode, problem })
    reply.code(500).type('application/problem+json')
    return JSON.stringify({
      type: 'about:blank',
      title: 'Conformance failed',
      status: 500,
      code: 'CONFORMANCE_FAILED',
      detail: `${route} ${reply.statusCode}: ${problem}`
    })
  })
  return failures
}
