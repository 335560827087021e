// Checks an OpenAPI document: valid for an independent validator (@apidevtools/swagger-parser), and tidy for
// Redocly's `recommended` rules.
import SwaggerParser from '@apidevtools/swagger-parser'
import { createConfig, lintFromString, unescapePointerFragment, type NormalizedProblem } from '@redocly/openapi-core'

/** Resolves when the document is valid OpenAPI; rejects with the validator's message otherwise. */
export async function validateOpenApi (doc: unknown): Promise<void> {
  // the parser dereferences in place: hand it a copy
  await SwaggerParser.validate(structuredClone(doc) as never)
}

interface Operation { parameters?: unknown[], requestBody?: unknown }
interface Document { paths?: Record<string, Record<string, Operation> & { parameters?: unknown[] }> }

/**
 * True when the problem is `operation-4xx-response` on an operation that takes nothing from the client (no
 * parameter, no body): it has no client error of its own to declare, and the rule cannot tell (`default` counts
 * for 2XX only). What the HTTP server refuses before any route (a malformed request line, headers too large)
 * is no answer of that operation.
 */
function noClientErrorToDeclare (doc: Document, { ruleId, location }: NormalizedProblem): boolean {
  if (ruleId !== 'operation-4xx-response') return false
  const [, root, path = '', method = ''] = (location[0]?.pointer ?? '').split('/').map(unescapePointerFragment)
  const item = root === 'paths' ? doc.paths?.[path] : undefined
  const operation = item?.[method]
  return Boolean(operation) && !operation?.requestBody && !operation?.parameters?.length && !item?.parameters?.length
}

/**
 * What Redocly's `recommended` rules find in the document, one line each (`severity rule at #/pointer: message`);
 * an empty list when it is tidy. Two findings are not asked for: trailing slashes, since the contract's paths
 * end in `/`, and a 4xx answer from an operation that takes no input.
 */
export async function lintOpenApi (doc: unknown): Promise<string[]> {
  const config = await createConfig({ extends: ['recommended'], rules: { 'no-path-trailing-slash': 'off' } })
  const found = await lintFromString({ source: JSON.stringify(doc), config })
  return found
    .filter((problem) => !noClientErrorToDeclare(doc as Document, problem))
    .map(({ severity, ruleId, location, message }) => `${severity} ${ruleId} at ${location[0]?.pointer}: ${message}`)
}
