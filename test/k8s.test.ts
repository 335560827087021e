// infra/k8s rendered as kustomize renders it (the test-side renderer, checked against `kubectl kustomize` or
// `kustomize build` where one is installed), every object valid against the Kubernetes schemas, no Secret committed.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { objectId, parseYaml, strategicMerge, type K8sObject } from './k8s/kustomize.ts'
import { k8sDir, kustomizations, rendering, validateSchema, workloads } from './k8s/objects.ts'

/** `kustomize build`, or kubectl's built-in copy; undefined when neither is installed. */
function realKustomize (dir: string): string | undefined {
  for (const [command, args] of [['kustomize', ['build', dir]], ['kubectl', ['kustomize', dir]]] as const) {
    const run = spawnSync(command, args, { encoding: 'utf8' })
    if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') continue
    if (run.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${run.stderr}`)
    return run.stdout
  }
  return undefined
}

const byId = (objects: K8sObject[]) => new Map(objects.map((o) => [objectId(o), o]))

t.test('every kustomization renders, object for object as kustomize renders it', async (t) => {
  for (const name of kustomizations) {
    const ours = rendering(name)
    t.ok(ours.length > 0, `${name}: ${ours.length} objects`)
    const theirs = realKustomize(path.join(k8sDir, name))
    if (theirs === undefined) {
      t.comment(`${name}: no kustomize or kubectl here; the renderer's own test below stands alone`)
      continue
    }
    t.same(byId(ours), byId(parseYaml(theirs, name) as K8sObject[]), `${name}: the same objects as kustomize's`)
  }
})

t.test('strategic merge as kustomize does it: merge keys, patch items first, other lists replaced', async (t) => {
  // the expected value is what kustomize v5.5 printed for this patch
  const target = {
    containers: [
      { name: 'x', image: 'i', args: ['a', 'b'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
      { name: 'y', image: 'j' }
    ]
  }
  const patch = {
    containers: [
      { name: 'z', image: 'k' },
      { name: 'x', args: ['c'], env: [{ name: 'N', value: 'n' }, { name: 'B', value: '22' }] }
    ]
  }
  t.same(strategicMerge(target, patch), {
    containers: [
      { name: 'z', image: 'k' },
      {
        name: 'x',
        image: 'i',
        args: ['c'],
        env: [{ name: 'N', value: 'n' }, { name: 'B', value: '22' }, { name: 'A', value: '1' }]
      },
      { name: 'y', image: 'j' }
    ]
  })
})

t.test('every rendered object is valid against its Kubernetes schema (kubernetes-models)', async (t) => {
  for (const name of kustomizations) {
    for (const object of rendering(name)) {
      t.doesNotThrow(() => validateSchema(object), `${name}: ${objectId(object)}`)
    }
  }
  // the check has teeth: a wrong probe scheme and an unreadable memory limit are refused
  const [deployment] = workloads(rendering('base'))
  const broken = structuredClone(deployment!.object)
  const container = (broken as any).spec.template.spec.containers[0]
  container.readinessProbe.httpGet.scheme = 'HTTPX'
  t.throws(() => validateSchema(broken), /scheme/)
  container.readinessProbe.httpGet.scheme = 'HTTPS'
  container.resources.limits.memory = 'plenty'
  t.throws(() => validateSchema(broken), /memory/)
})

t.test('no Secret is committed: none rendered, none in any file under infra/k8s', async (t) => {
  for (const name of kustomizations) {
    t.same(rendering(name).filter((o) => o.kind === 'Secret').map(objectId), [], `${name}: no Secret object`)
  }
  const files = readdirSync(k8sDir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f))
  t.ok(files.length >= 10, `${files.length} YAML files read`)
  for (const file of files) {
    const docs = parseYaml(readFileSync(path.join(k8sDir, file), 'utf8'), file) as Array<{ kind?: string }>
    t.notOk(docs.some((doc) => doc.kind === 'Secret'), `${file}: no Secret`)
  }
})

t.test('the overlays name every image with a tag; the base leaves the tag to them', async (t) => {
  const images = (name: (typeof kustomizations)[number]) => workloads(rendering(name))
    .flatMap((w) => w.template.spec?.containers.map((c) => String(c.image)) ?? [])
  for (const name of ['local', 'local/migrate'] as const) {
    for (const image of images(name)) t.match(image, /:[\w.-]+$/, `${name}: ${image} is tagged`)
    for (const image of images(name)) t.notMatch(image, /:latest$/, `${name}: ${image} is not :latest`)
  }
  t.same(images('base').sort(), ['classifieds-offers', 'classifieds-users'])
  t.same(images('migrate'), ['classifieds-migrate'])
})
