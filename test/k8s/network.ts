// Which connections a set of NetworkPolicies lets through, by the API's rules: a pod selected by no policy of a
// direction is open in it; otherwise a connection needs a matching rule on both ends (egress of the source,
// ingress of the destination). Supports the pod and namespace selectors infra/k8s uses; ipBlock stops it.
import type { K8sObject } from './kustomize.ts'

interface Selector {
  matchLabels?: Record<string, string>
  matchExpressions?: Array<{ key: string, operator: string, values?: string[] }>
}
interface Peer { podSelector?: Selector, namespaceSelector?: Selector, ipBlock?: unknown }
interface PolicyPort { protocol?: string, port?: number | string }
interface Rule { from?: Peer[], to?: Peer[], ports?: PolicyPort[] }
interface PolicySpec { podSelector: Selector, policyTypes?: string[], ingress?: Rule[], egress?: Rule[] }

export interface Endpoint {
  name: string
  /** undefined: not a pod (an address outside the cluster) */
  namespace?: string
  labels: Record<string, string>
  ports: Array<{ port: number, protocol: string, name?: string }>
  /** false: in another namespace, where these policies do not apply */
  governed: boolean
}

export function matches (selector: Selector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value)
  return byLabel && (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In': return labels[key] !== undefined && values.includes(labels[key])
      case 'NotIn': return labels[key] === undefined || !values.includes(labels[key])
      case 'Exists': return key in labels
      case 'DoesNotExist': return !(key in labels)
      default: throw new Error(`unknown selector operator ${operator}`)
    }
  })
}

function peerMatches (peer: Peer, policyNamespace: string | undefined, end: Endpoint): boolean {
  if (peer.ipBlock !== undefined) throw new Error('ipBlock peers are not modelled')
  if (end.namespace === undefined) return false
  if (peer.namespaceSelector) {
    const namespaceLabels = { 'kubernetes.io/metadata.name': end.namespace }
    if (!matches(peer.namespaceSelector, namespaceLabels)) return false
  } else if (end.namespace !== policyNamespace) return false
  return peer.podSelector === undefined || matches(peer.podSelector, end.labels)
}

function portMatches (ports: PolicyPort[] | undefined, target: Endpoint['ports'][number]): boolean {
  return ports === undefined || ports.length === 0 || ports.some((p) =>
    (p.protocol ?? 'TCP') === target.protocol &&
    (p.port === undefined || p.port === target.port || p.port === target.name))
}

type Direction = 'Ingress' | 'Egress'

function allowed (policies: K8sObject[], direction: Direction, self: Endpoint, other: Endpoint,
  port: Endpoint['ports'][number]): boolean {
  if (!self.governed) return true
  const selecting = policies.filter((policy) => {
    const spec = policy.spec as PolicySpec
    const types = spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress'])
    return policy.metadata.namespace === self.namespace && types.includes(direction) &&
      matches(spec.podSelector, self.labels)
  })
  if (selecting.length === 0) return true
  return selecting.some((policy) => {
    const spec = policy.spec as PolicySpec
    const rules = (direction === 'Ingress' ? spec.ingress : spec.egress) ?? []
    return rules.some((rule) => {
      const peers = direction === 'Ingress' ? rule.from : rule.to
      const peerOk = peers === undefined || peers.length === 0 ||
        peers.some((peer) => peerMatches(peer, policy.metadata.namespace, other))
      return peerOk && portMatches(rule.ports, port)
    })
  })
}

/** Every allowed connection from a source to a port a destination listens on, as `src → dst:port/PROTO`. */
export function allowedFlows (objects: K8sObject[], sources: Endpoint[], destinations: Endpoint[]): string[] {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy')
  const flows: string[] = []
  for (const src of sources) {
    for (const dst of destinations) {
      // between two ends these policies do not govern, they have nothing to say
      if (!src.governed && !dst.governed) continue
      for (const port of dst.ports) {
        if (allowed(policies, 'Egress', src, dst, port) && allowed(policies, 'Ingress', dst, src, port)) {
          flows.push(`${src.name} → ${dst.name}:${port.port}/${port.protocol}`)
        }
      }
    }
  }
  return flows.sort()
}
