// The rules infra/k8s promises, asserted on every rendering: each pod's security context, resources and token;
// the services' probes, shutdown timing, autoscalers, budgets and Services; whose X-Forwarded-For they believe; the
// migration Job.
import { BlockList, isIP } from 'node:net'
import t from 'tap'
import { commonDefaults, trustedProxies } from '@app/service-kit'
import type { IContainer } from 'kubernetes-models/v1'
import type { K8sObject } from './k8s/kustomize.ts'
import { byKindName, containersOf, kustomizations, quantity, rendering, workloads } from './k8s/objects.ts'
import { imageCommand, imagePort, shutdownGraceMs } from './k8s/image.ts'

/** Measured peak RSS of a service process under load (bench/README.md, Node 20): the request must cover it. */
const PEAK_RSS_BYTES = 115e6

t.test('every pod: non-root, read-only, no escalation, no capabilities, no token, requests and limits', async (t) => {
  for (const name of kustomizations) {
    for (const workload of workloads(rendering(name))) {
      const pod = workload.template.spec!
      const at = `${name}: ${workload.object.kind} ${workload.object.metadata.name}`
      t.equal(pod.automountServiceAccountToken, false, `${at}: no service-account token`)
      t.equal(pod.enableServiceLinks, false, `${at}: no service-link variables`)
      t.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${at}: seccomp RuntimeDefault`)
      for (const volume of pod.volumes ?? []) {
        if (volume.secret) t.equal(volume.secret.defaultMode, 0o400, `${at}: secret volume ${volume.name} is 0400`)
      }
      for (const c of containersOf(workload)) {
        const sc = c.securityContext ?? {}
        t.equal(sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot, true, `${at}/${c.name}: runAsNonRoot`)
        t.not(sc.runAsUser ?? pod.securityContext?.runAsUser ?? 0, 0, `${at}/${c.name}: a uid other than 0`)
        t.equal(sc.readOnlyRootFilesystem, true, `${at}/${c.name}: read-only root filesystem`)
        t.equal(sc.allowPrivilegeEscalation, false, `${at}/${c.name}: no privilege escalation`)
        t.same(sc.capabilities, { drop: ['ALL'] }, `${at}/${c.name}: every capability dropped, none added`)
        t.notOk(sc.privileged, `${at}/${c.name}: not privileged`)
        const { requests = {}, limits = {} } = c.resources ?? {}
        for (const resource of ['cpu', 'memory']) {
          const [request, limit] = [quantity(requests[resource]), quantity(limits[resource])]
          t.ok(request > 0 && limit >= request, `${at}/${c.name}: ${resource} request ${requests[resource]}` +
            ` ≤ limit ${limits[resource]}`)
        }
      }
    }
  }
})

/** A port by number or by the container's name for it. */
function containerPort (c: IContainer, port: number | string | undefined): number | undefined {
  return typeof port === 'number' ? port : c.ports?.find((p) => p.name === port)?.containerPort
}

const servicesIn = ['base', 'local'] as const

for (const service of ['users', 'offers']) {
  t.test(`${service}: probes, shutdown, scaling, disruption budget, Service`, async (t) => {
    const port = imagePort(service)
    for (const name of servicesIn) {
      const objects = rendering(name)
      const deployment = byKindName(objects, 'Deployment', service) as K8sObject & { spec: Record<string, any> }
      const [workload] = workloads([deployment])
      const pod = workload!.template.spec!
      const labels = workload!.template.metadata?.labels ?? {}
      const c = pod.containers.find((x) => x.name === service)!
      const at = `${name}: ${service}`

      t.match(pod.securityContext, { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 }, `${at}: uid/gid 1000`)
      t.equal(c.ports?.find((p) => p.name === 'https')?.containerPort, port, `${at}: listens on the image's PORT`)
      const probes = { startupProbe: '/health', livenessProbe: '/health', readinessProbe: '/ready' } as const
      for (const [probe, path] of Object.entries(probes) as Array<[keyof typeof probes, string]>) {
        const get = c[probe]?.httpGet
        t.match(get, { path, scheme: 'HTTPS' }, `${at}: ${probe} asks ${path} over HTTPS`)
        t.equal(get && containerPort(c, get.port), port, `${at}: ${probe} on the service's port`)
      }
      const startup = c.startupProbe!
      t.ok((startup.periodSeconds ?? 10) * (startup.failureThreshold ?? 3) >= 30, `${at}: 30 s at least to start`)

      const sleep = c.lifecycle?.preStop?.exec?.command
      t.match(sleep, ['sleep', /^\d+$/], `${at}: preStop sleeps while the endpoint is removed`)
      // after SIGTERM the service drains (SHUTDOWN_DRAIN_MS, production's default unless the pod sets it), then
      // close-with-grace gives in-flight requests their time
      const drainMs = Number(c.env?.find((e) => e.name === 'SHUTDOWN_DRAIN_MS')?.value ??
        commonDefaults(service, port).production.SHUTDOWN_DRAIN_MS)
      const drain = Number(sleep?.[1]) + (drainMs + shutdownGraceMs()) / 1000
      t.ok((pod.terminationGracePeriodSeconds ?? 30) > drain,
        `${at}: grace ${pod.terminationGracePeriodSeconds} s > preStop + drain + close-with-grace = ${drain} s`)

      t.equal(deployment.spec.replicas, undefined, `${at}: the replica count is the autoscaler's`)
      t.match(deployment.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } },
        `${at}: a rollout never removes a pod before its replacement is ready`)
      const hpa = byKindName(objects, 'HorizontalPodAutoscaler', service)
      t.match(hpa, {
        apiVersion: 'autoscaling/v2',
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: service },
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }]
        }
      }, `${at}: scaled on CPU`)
      const { minReplicas = 1, maxReplicas = 0 } = (hpa?.spec ?? {}) as { minReplicas?: number, maxReplicas?: number }
      t.ok(minReplicas >= 2 && maxReplicas >= minReplicas, `${at}: ${minReplicas} to ${maxReplicas} replicas`)

      const pdb = byKindName(objects, 'PodDisruptionBudget', service)?.spec as Record<string, any> | undefined
      t.equal(pdb?.maxUnavailable, 1, `${at}: one pod at a time may be evicted`)
      t.same(pdb?.selector, deployment.spec.selector, `${at}: the budget covers the Deployment's pods`)

      const svc = byKindName(objects, 'Service', service)?.spec as Record<string, any> | undefined
      t.match(labels, svc?.selector ?? { missing: 'selector' }, `${at}: the Service selects the pods`)
      t.equal(svc?.ports?.[0]?.port, port, `${at}: the Service's port`)
      t.equal(containerPort(c, svc?.ports?.[0]?.targetPort), port, `${at}: the Service reaches the pods' port`)

      const [request, limit] = [quantity(c.resources?.requests?.memory), quantity(c.resources?.limits?.memory)]
      t.ok(request >= PEAK_RSS_BYTES && limit >= 2 * PEAK_RSS_BYTES,
        `${at}: memory request ${request / 2 ** 20} Mi covers the measured peak, the limit twice it`)
    }
  })
}

/** TRUST_PROXY's entries as a set of addresses; an entry that is not an address or a CIDR range is returned apart. */
function proxySet (value: string): { set: BlockList, other: string[] } {
  const set = new BlockList()
  const other: string[] = []
  for (const entry of trustedProxies(value)) {
    const [address = '', prefix] = entry.split('/')
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4'
    if (!isIP(address)) other.push(entry)
    else if (prefix === undefined) set.addAddress(address, family)
    else set.addSubnet(address, Number(prefix), family)
  }
  return { set, other }
}

t.test('TRUST_PROXY: both services take it from one ConfigMap; the base trusts nobody, local the pod network',
  async (t) => {
    // an ingress controller's pod in kind or minikube, and in k3d; a client on the Internet; a machine on the LAN
    const [kindPod, k3dPod, client, lan] = ['10.244.3.7', '10.42.1.9', '203.0.113.7', '192.168.1.10']
    const values: Record<string, string> = {}
    for (const name of servicesIn) {
      const objects = rendering(name)
      const map = byKindName(objects, 'ConfigMap', 'classifieds-proxy') as { data?: Record<string, string> } | undefined
      values[name] = map?.data?.['trust-proxy'] ?? 'missing'
      for (const service of ['users', 'offers']) {
        const [workload] = workloads([byKindName(objects, 'Deployment', service)!])
        const env = workload!.template.spec!.containers.find((c) => c.name === service)!.env ?? []
        t.same(env.find((e) => e.name === 'TRUST_PROXY')?.valueFrom,
          { configMapKeyRef: { name: 'classifieds-proxy', key: 'trust-proxy' } },
          `${name}: ${service} reads TRUST_PROXY from ConfigMap classifieds-proxy`)
      }
    }
    t.equal(values.base, '', 'base: empty, X-Forwarded-For believed from nobody (the services\' default)')
    const local = proxySet(values.local ?? '')
    t.same(local.other, [], `local: "${values.local}" lists addresses and CIDR ranges only`)
    t.ok(local.set.check(kindPod) && local.set.check(k3dPod), 'local: kind\'s, minikube\'s and k3d\'s pod network')
    t.notOk(local.set.check(client) || local.set.check(lan), 'local: no address outside the cluster: a client\'s ' +
      'own X-Forwarded-For is not believed')
  })

t.test('the migration Job: applied on its own, the migrate image, the admin URL and both passwords', async (t) => {
  for (const name of ['base', 'local'] as const) {
    t.same(workloads(rendering(name)).filter((w) => w.object.kind === 'Job'), [], `${name}: no Job`)
  }
  for (const name of ['migrate', 'local/migrate'] as const) {
    const jobs = workloads(rendering(name)).filter((w) => w.object.kind === 'Job')
    t.equal(jobs.length, 1, `${name}: one Job`)
    const job = jobs[0]!
    const [c] = job.template.spec!.containers
    t.match(c!.image, /^classifieds-migrate(:|$)/, `${name}: the migrate image`)
    t.same(c!.command, imageCommand('migrate'), `${name}: the image's own command, ${c!.command?.join(' ')}`)
    const env = Object.fromEntries((c!.env ?? []).map((e) => [e.name, e.valueFrom?.secretKeyRef]))
    t.match(env, {
      DATABASE_URL: { name: 'classifieds-db', key: 'admin-url' },
      USERS_DB_PASSWORD: { name: 'classifieds-db', key: 'users-password' },
      OFFERS_DB_PASSWORD: { name: 'classifieds-db', key: 'offers-password' }
    }, `${name}: credentials from the Secret`)
    t.equal(job.template.spec!.restartPolicy, 'Never', `${name}: failed tries keep their pods and logs`)
    const spec = job.object.spec as { backoffLimit?: number, activeDeadlineSeconds?: number }
    t.ok(spec.backoffLimit !== undefined && spec.activeDeadlineSeconds !== undefined,
      `${name}: gives up after ${spec.backoffLimit} retries or ${spec.activeDeadlineSeconds} s`)
  }
})
