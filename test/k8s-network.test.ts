// The NetworkPolicies of a whole local deployment (local + local/migrate, one namespace), evaluated: they allow
// exactly clients → Users, Prometheus → each metrics port, Users → Offers, Users/Offers/migration → PostgreSQL, Users
// → Valkey and DNS for those three, and nothing else, between every workload, a client outside, cluster DNS and an
// address on the internet.
import t from 'tap'
import { objectId, type K8sObject } from './k8s/kustomize.ts'
import { allowedFlows, type Endpoint } from './k8s/network.ts'
import { containersOf, rendering, workloads } from './k8s/objects.ts'

function deployedTogether (): K8sObject[] {
  const all = new Map<string, K8sObject>()
  for (const object of [...rendering('local/migrate'), ...rendering('local')]) all.set(objectId(object), object)
  return [...all.values()]
}

function podEndpoints (objects: K8sObject[]): Endpoint[] {
  return workloads(objects).map((w) => ({
    name: w.object.metadata.name,
    namespace: w.object.metadata.namespace,
    labels: w.template.metadata?.labels ?? {},
    ports: containersOf(w).flatMap((c) => c.ports ?? [])
      .map((p) => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP', name: p.name })),
    governed: true
  }))
}

const client: Endpoint = { name: 'client', namespace: 'ingress', labels: {}, ports: [], governed: false }
const dns: Endpoint = {
  name: 'kube-dns',
  namespace: 'kube-system',
  labels: { 'k8s-app': 'kube-dns' },
  ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
  governed: false
}
// Prometheus in its own namespace; any other pod there reaches nothing
const prometheus: Endpoint = {
  name: 'prometheus',
  namespace: 'monitoring',
  labels: { 'app.kubernetes.io/name': 'prometheus' },
  ports: [],
  governed: false
}
const stranger: Endpoint = { name: 'stranger', namespace: 'monitoring', labels: {}, ports: [], governed: false }
const internet: Endpoint = { name: 'internet', labels: {}, ports: [{ port: 443, protocol: 'TCP' }], governed: false }

const expected = [
  'client → users:3001/TCP',
  'prometheus → offers:9465/TCP', 'prometheus → users:9464/TCP',
  // Users' API is open to every client, wherever it is; the metrics ports are Prometheus' only
  'prometheus → users:3001/TCP', 'stranger → users:3001/TCP',
  'migrate → kube-dns:53/TCP', 'migrate → kube-dns:53/UDP', 'migrate → postgres:5432/TCP',
  'offers → kube-dns:53/TCP', 'offers → kube-dns:53/UDP', 'offers → postgres:5432/TCP',
  'users → kube-dns:53/TCP', 'users → kube-dns:53/UDP', 'users → offers:3002/TCP', 'users → postgres:5432/TCP',
  'users → valkey:6379/TCP'
].sort()

t.test('the NetworkPolicies allow exactly the flows the services need', async (t) => {
  const objects = deployedTogether()
  const pods = podEndpoints(objects)
  t.same(pods.map((p) => p.name).sort(), ['migrate', 'offers', 'postgres', 'users', 'valkey'], 'every workload')
  t.ok(objects.every((o) => o.metadata.namespace === 'classifieds' || o.kind === 'Namespace'), 'one namespace')
  const flows = allowedFlows(objects, [...pods, client, prometheus, stranger], [...pods, dns, internet])
  t.same(flows, expected, 'exactly the flows listed')
  for (const flow of flows) t.comment(`allowed: ${flow}`)

  // the evaluator has teeth: without the default deny, the pods no other policy selects may dial out anywhere;
  // without Users' own policy, nothing reaches Users and Users reaches no Offers
  const without = (name: string) => allowedFlows(objects.filter((o) => o.metadata.name !== name),
    [...pods, client, prometheus, stranger], [...pods, dns, internet])
  t.same(without('default-deny').filter((flow) => !flows.includes(flow)).filter((f) => f.includes('internet')),
    ['postgres → internet:443/TCP', 'valkey → internet:443/TCP'], 'without default-deny: the data tier dials out')
  const lost = flows.filter((flow) => !without('users').includes(flow))
  t.same(lost, ['client → users:3001/TCP', 'prometheus → users:3001/TCP', 'prometheus → users:9464/TCP',
    'stranger → users:3001/TCP', 'users → offers:3002/TCP'], 'without the users policy: none of its flows')
})

t.test('base and migrate alone (no database in the namespace): the same flows among their pods', async (t) => {
  const objects = [...rendering('base'), ...rendering('migrate').filter((o) => o.kind === 'Job')]
    .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: 'app' } }))
  const pods = podEndpoints(objects)
  const flows = allowedFlows(objects, [...pods, client, prometheus, stranger], [...pods, dns, internet])
  t.same(flows, expected.filter((flow) => !/postgres|valkey/.test(flow)), 'the same, less the data tier')
})
