// The JSON body parser both services use: Fastify's own (secure-json-parse, so __proto__ and constructor
// poisoning stay refused), but only over bytes that are UTF-8, and never handing on a string with a lone surrogate.
// Fastify's default decodes the bytes leniently, so a raw \xff or "\ud800" would be stored as U+FFFD silently.
import { isUtf8 } from 'node:buffer'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from './problems.ts'

/** In a u-mode class a surrogate pair is one code point, so only a lone surrogate matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u
/** Valid UTF-8 decodes to well-formed text: only a \uD800–\uDFFF escape can make a lone surrogate. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i

const notUtf8 = () => new AppError(400, 'INVALID_UTF8', 'The request body is not valid UTF-8')
const otherCharset = () => new AppError(415, 'UNSUPPORTED_MEDIA_TYPE',
  'Send the body as application/json in UTF-8 (charset=utf-8, or no charset)')
/** A path as long as the body it came from is cut short in the answer. */
const shortened = (path: string) => path.length > 120 ? `${path.slice(0, 120)}…` : path
const loneSurrogate = (where: string) => new AppError(400, 'LONE_SURROGATE',
  `${shortened(where)} holds a lone surrogate (an unpaired \\uD800-\\uDFFF escape), which is not text`)

/**
 * Where the first string (a value or a property name) with a lone surrogate is, as `body/path`; undefined when
 * there is none. Iterative: a 64 kB body can nest thousands deep.
 */
export function loneSurrogateAt (value: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[value, 'body']]
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, path] = next
    if (typeof node === 'string') {
      if (LONE_SURROGATE.test(node)) return path
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push([item, `${path}/${i}`]))
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        if (LONE_SURROGATE.test(key)) return `a property name in ${path}`
        stack.push([item, `${path}/${key}`])
      }
    }
  }
  return undefined
}

/** Replaces Fastify's application/json parser with the same one over checked bytes. */
export function strictJsonBodies (app: FastifyInstance): void {
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = app.initialConfig
  const parse = app.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning)
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, body, done) => {
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) return done(otherCharset(), undefined)
    if (!isUtf8(body as Buffer)) return done(notUtf8(), undefined)
    const text = body.toString('utf8')
    parse(request, text, (err, value) => {
      if (err) return done(err, undefined)
      const where = SURROGATE_ESCAPE.test(text) ? loneSurrogateAt(value) : undefined
      done(where ? loneSurrogate(where) : null, where ? undefined : value)
    })
  })
}
