// The manifests' environment and Secrets against the code and the README: every variable is one the service reads
// (or one another variable expands), each service's production configuration schema accepts what its Deployment
// sets, key files come from the mounted Secret, every Secret and key is one the README creates, and the database
// connections fit PostgreSQL's max_connections.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { repoRoot } from '@app/devstack'
import type { IContainer, IPodSpec } from 'kubernetes-models/v1'
import { OffersSettings, loadOffersSettings } from '../services/offers/src/config.ts'
import { UsersSettings, loadUsersSettings } from '../services/users/src/config.ts'
import { imageEnv, imagePort } from './k8s/image.ts'
import type { K8sObject } from './k8s/kustomize.ts'
import { byKindName, containersOf, kustomizations, rendering, workloads } from './k8s/objects.ts'

const services = {
  users: { schema: UsersSettings, load: loadUsersSettings },
  offers: { schema: OffersSettings, load: loadOffersSettings }
}

/** `kubectl create secret generic NAME --from-…=KEY=…` in the README: the keys of each Secret it creates. */
function documentedSecrets (): Map<string, Set<string>> {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8').replaceAll('\\\n', ' ')
  const secrets = new Map<string, Set<string>>()
  for (const [line, name] of readme.matchAll(/create secret generic ([\w-]+)[^\n]*/g)) {
    secrets.set(name!, new Set([...line.matchAll(/--from-(?:literal|file)=([\w.-]+)=/g)].map((m) => m[1]!)))
  }
  return secrets
}

const refs = (value: string) => [...value.matchAll(/\$\(([A-Za-z_]\w*)\)/g)].map((m) => m[1]!)

/**
 * The container's environment as the kubelet would build it: each Secret value a placeholder of letters, each
 * ConfigMap value the one rendered beside it (a ConfigMap or key that is not there fails, as the pod would).
 */
function resolvedEnv (c: IContainer, objects: K8sObject[]): Record<string, string> {
  const env: Record<string, string> = {}
  for (const { name, value, valueFrom } of c.env ?? []) {
    const fromMap = valueFrom?.configMapKeyRef
    if (valueFrom?.secretKeyRef) env[name] = `secret${valueFrom.secretKeyRef.key.replace(/\W/g, '')}`
    else if (fromMap) {
      const data = (byKindName(objects, 'ConfigMap', fromMap.name!) as { data?: Record<string, string> } | undefined)
        ?.data
      if (data?.[fromMap.key] === undefined) throw new Error(`${name}: no ConfigMap ${fromMap.name} key ${fromMap.key}`)
      env[name] = data[fromMap.key]!
    } else env[name] = (value ?? '').replace(/\$\((\w+)\)/g, (_, ref: string) => env[ref] ?? `$(${ref})`)
  }
  return env
}

t.test('a $(VAR) in a value names a variable set earlier in the same container', async (t) => {
  for (const name of kustomizations) {
    for (const w of workloads(rendering(name))) {
      for (const c of containersOf(w)) {
        const env = c.env ?? []
        const texts = [...env.map((e) => ({ at: e.name, value: e.value ?? '' })),
          ...(c.args ?? []).map((value) => ({ at: 'args', value }))]
        for (const { at, value } of texts) {
          const before = env.slice(0, at === 'args' ? env.length : env.findIndex((e) => e.name === at))
          for (const ref of refs(value)) {
            const where = `${name}: ${w.object.metadata.name} ${at}`
            t.ok(before.some((e) => e.name === ref), `${where}: $(${ref}) is set before`)
          }
        }
      }
    }
  }
})

for (const [service, { schema, load }] of Object.entries(services)) {
  t.test(`${service}: its production configuration accepts the Deployment's environment`, async (t) => {
    for (const name of ['base', 'local'] as const) {
      const objects = rendering(name)
      const [w] = workloads([byKindName(objects, 'Deployment', service)!])
      const c = w!.template.spec!.containers[0]!
      const env: Record<string, string | undefined> = {
        ...imageEnv(), PORT: String(imagePort(service)), ...resolvedEnv(c, objects)
      }
      t.equal(env.APP_SETTINGS, 'production', `${name}: the image runs with APP_SETTINGS=production`)
      t.doesNotThrow(() => load(env), `${name}: the ${service} configuration schema accepts it`)
      // the check has teeth: production requires a database URL
      t.throws(() => load({ ...env, DATABASE_URL: undefined }), /DATABASE_URL/)

      const expanded = new Set((c.env ?? []).flatMap((e) => refs(e.value ?? '')))
      for (const variable of c.env ?? []) {
        t.ok(variable.name in schema.properties || expanded.has(variable.name),
          `${name}: ${variable.name} is read by ${service} or expanded into another variable`)
      }
      const files = keyFiles(w!.template.spec!, c, env)
      t.ok(files.length >= 3, `${name}: ${files.length} key files`)
      for (const { variable, file, secret } of files) {
        t.ok(secret, `${name}: ${variable} (${file}) is ${secret}, a key of a Secret the README creates, read-only`)
      }
    }
  })
}

/** Each *_FILE variable with the Secret and key it is read from: a mounted, read-only Secret volume, under a key
 * the README creates; secret is undefined when the file comes from anywhere else. */
function keyFiles (pod: IPodSpec, c: IContainer, env: Record<string, string | undefined>) {
  const secrets = documentedSecrets()
  return Object.entries(env).filter(([name]) => name.endsWith('_FILE')).map(([variable, file = '']) => {
    const mount = c.volumeMounts?.find((m) => path.dirname(file) === m.mountPath && m.readOnly)
    const name = pod.volumes?.find((v) => v.name === mount?.name)?.secret?.secretName
    const key = path.basename(file)
    return { variable, file, secret: name && secrets.get(name)?.has(key) ? `${name}/${key}` : undefined }
  })
}

t.test('every Secret and key the manifests name is created by the README, and every one created is used', async (t) => {
  const documented = documentedSecrets()
  t.ok(documented.size >= 4, `${[...documented.keys()].join(', ')}`)
  const used = new Set<string>()
  for (const name of kustomizations) {
    for (const w of workloads(rendering(name))) {
      for (const v of w.template.spec?.volumes ?? []) if (v.secret) used.add(v.secret.secretName!)
      for (const { valueFrom } of containersOf(w).flatMap((c) => c.env ?? [])) {
        const ref = valueFrom?.secretKeyRef
        if (!ref) continue
        used.add(ref.name!)
        t.ok(documented.get(ref.name!)?.has(ref.key), `${name}: Secret ${ref.name} key ${ref.key} is created`)
      }
    }
  }
  t.same([...documented.keys()].sort(), [...used].sort(), 'the README creates exactly the Secrets referenced')
})

t.test('database connections fit PostgreSQL: (maxReplicas + surge) × DB_POOL_MAX, plus the migration', async (t) => {
  const objects = rendering('local')
  const postgres = workloads(objects).find((w) => w.object.metadata.name === 'postgres')!
  const args = postgres.template.spec!.containers[0]!.args ?? []
  const maxConnections = Number(/^max_connections=(\d+)$/.exec(args[args.indexOf('-c') + 1] ?? '')?.[1])
  let total = 1 // the migration: one connection at a time (packages/migrator)
  for (const service of Object.keys(services)) {
    const deployment = byKindName(objects, 'Deployment', service)!
    const [w] = workloads([deployment])
    const poolMax = Number(resolvedEnv(w!.template.spec!.containers[0]!, objects).DB_POOL_MAX ?? 10)
    const { maxReplicas } = byKindName(objects, 'HorizontalPodAutoscaler', service)!.spec as { maxReplicas: number }
    const surge = (deployment.spec as { strategy: { rollingUpdate: { maxSurge: number } } }).strategy
      .rollingUpdate.maxSurge
    t.comment(`${service}: (${maxReplicas} + ${surge}) × ${poolMax} = ${(maxReplicas + surge) * poolMax} connections`)
    total += (maxReplicas + surge) * poolMax
  }
  // superuser_reserved_connections (3) and a few for people and monitoring
  t.ok(total <= maxConnections - 10, `${total} connections at most, of max_connections ${maxConnections}`)
})
