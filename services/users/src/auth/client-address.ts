// The key a client address is limited under: an IPv4 address as it is (also when IPv4-mapped), an IPv6 address
// by its /64, the block one subscriber is typically given.
import ipaddr from 'ipaddr.js'

export function addressKey (ip: string): string {
  if (!ipaddr.isValid(ip)) return ip
  const parsed = ipaddr.process(ip)
  if (parsed.kind() === 'ipv4') return parsed.toString()
  const groups = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16))
  return `${groups.join(':')}::/64`
}
