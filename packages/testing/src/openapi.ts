// Validates an OpenAPI document with an independent validator (@apidevtools/swagger-parser).
import SwaggerParser from '@apidevtools/swagger-parser'

/** Resolves when the document is valid OpenAPI; rejects with the validator's message otherwise. */
export async function validateOpenApi (doc: unknown): Promise<void> {
  // the parser dereferences in place: hand it a copy
  await SwaggerParser.validate(structuredClone(doc) as never)
}
