// Each account is reachable by exactly one username: the registration rule's ASCII spelling, lower-cased. A name
// registration would refuse (İ, the Kelvin sign K, …) has no canonical form, so it can name no account.
import { USERNAME_RULE } from '@app/contracts'

const REGISTRABLE = new RegExp(USERNAME_RULE.pattern)

export function canonicalUsername (username: string): string | undefined {
  const { minLength, maxLength } = USERNAME_RULE
  if (username.length < minLength || username.length > maxLength || !REGISTRABLE.test(username)) return undefined
  return username.toLowerCase()
}
