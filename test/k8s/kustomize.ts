// A test-side renderer of the kustomize subset infra/k8s uses (no kustomize binary is assumed): resources,
// components, namespace, images (newName/newTag) and patches by path (strategic merge). Any other field stops it,
// so it never renders less than kustomize would; test/k8s.test.ts compares it with `kubectl kustomize` where found.
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { parseAllDocuments } from 'yaml'

export interface K8sObject {
  apiVersion: string
  kind: string
  metadata: { name: string, namespace?: string, labels?: Record<string, string> }
  [field: string]: unknown
}
type Tree = Record<string, unknown>
interface Kustomization {
  kind?: string
  resources?: string[]
  components?: string[]
  namespace?: string
  images?: Array<{ name: string, newName?: string, newTag?: string }>
  patches?: Array<{ path: string }>
}

const fields = new Set(['apiVersion', 'kind', 'resources', 'components', 'namespace', 'images', 'patches'])
/** Strategic merge: these lists merge item by item on the key; every other list is replaced by the patch's. */
const mergeKeys: Record<string, string> = {
  containers: 'name', initContainers: 'name', env: 'name', volumes: 'name', volumeMounts: 'mountPath'
}
const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass',
  'PriorityClass', 'CustomResourceDefinition'])

const isTree = (value: unknown): value is Tree => typeof value === 'object' && value !== null && !Array.isArray(value)

/** YAML 1.1, as Kubernetes' Go parser reads it (`0400` is octal, `no` is false). */
export function parseYaml (text: string, source: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1' }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0]?.message}`)
    return doc.toJS() as unknown
  }).filter((doc) => doc !== null)
}

export const objectId = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`

function readKustomization (dir: string, kind: string): Kustomization {
  const [k] = parseYaml(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'), dir)
  if (!isTree(k) || (k.kind ?? 'Kustomization') !== kind) throw new Error(`${dir}: not a ${kind}`)
  const unknown = Object.keys(k).filter((field) => !fields.has(field))
  if (unknown.length > 0) throw new Error(`${dir}: unsupported field(s) ${unknown.join(', ')}`)
  return k
}

function loadResources (dir: string, k: Kustomization): K8sObject[] {
  return (k.resources ?? []).flatMap((entry) => {
    const at = path.resolve(dir, entry)
    if (statSync(at).isDirectory()) return build(at, 'Kustomization')
    return parseYaml(readFileSync(at, 'utf8'), at) as K8sObject[]
  })
}

export function strategicMerge (target: unknown, patch: unknown, field = ''): unknown {
  if (Array.isArray(patch)) {
    const key = mergeKeys[field]
    if (!key || !Array.isArray(target)) return patch
    // kustomize (kyaml) puts the patch's items first, in its order, then the target's other items
    const patched = patch.map((item: Tree) => {
      const match = target.find((t: Tree) => t[key] === item[key])
      return match === undefined ? item : strategicMerge(match, item)
    })
    return [...patched, ...target.filter((t: Tree) => !patch.some((item: Tree) => item[key] === t[key]))]
  }
  if (!isTree(patch) || !isTree(target)) return patch
  const merged: Tree = { ...target }
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete merged[name]
    else merged[name] = strategicMerge(target[name], value, name)
  }
  return merged
}

function applyPatch (dir: string, file: string, objects: K8sObject[]): K8sObject[] {
  const patches = parseYaml(readFileSync(path.resolve(dir, file), 'utf8'), file) as K8sObject[]
  return patches.reduce((all, patch) => {
    const at = all.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name)
    if (at < 0) throw new Error(`${file}: no ${patch.kind} ${patch.metadata.name} to patch`)
    return all.with(at, strategicMerge(all[at], patch) as K8sObject)
  }, objects)
}

function retag (image: string, rules: NonNullable<Kustomization['images']>): string {
  const slash = image.lastIndexOf('/')
  const colon = image.lastIndexOf(':')
  const [name, tag] = colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined]
  const rule = rules.find((r) => r.name === name)
  if (!rule) return image
  const unknown = Object.keys(rule).filter((field) => !['name', 'newName', 'newTag'].includes(field))
  if (unknown.length > 0) throw new Error(`images: unsupported field(s) ${unknown.join(', ')}`)
  const newTag = rule.newTag ?? tag
  return `${rule.newName ?? name}${newTag === undefined ? '' : `:${newTag}`}`
}

function setImages (node: unknown, rules: NonNullable<Kustomization['images']>, field = ''): unknown {
  if (Array.isArray(node)) {
    const isContainers = field === 'containers' || field === 'initContainers'
    return node.map((item: unknown) => isContainers && isTree(item) && typeof item.image === 'string'
      ? { ...item, image: retag(item.image, rules) }
      : setImages(item, rules))
  }
  if (!isTree(node)) return node
  return Object.fromEntries(Object.entries(node).map(([name, value]) => [name, setImages(value, rules, name)]))
}

/** kustomize's order: patches, then the namespace, then images. */
function transform (dir: string, k: Kustomization, objects: K8sObject[]): K8sObject[] {
  let out = objects
  for (const { path: file, ...rest } of k.patches ?? []) {
    if (Object.keys(rest).length > 0) throw new Error(`${dir}: only patches by path are supported`)
    out = applyPatch(dir, file, out)
  }
  const namespace = k.namespace
  if (namespace !== undefined) {
    out = out.map((o) => clusterScoped.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace } })
  }
  if (k.images) out = out.map((o) => setImages(o, k.images ?? []) as K8sObject)
  return out
}

function build (dir: string, kind: 'Kustomization' | 'Component', before: K8sObject[] = []): K8sObject[] {
  const k = readKustomization(dir, kind)
  let objects = [...before, ...loadResources(dir, k)]
  const ids = objects.map(objectId)
  const twice = ids.find((id, i) => ids.indexOf(id) !== i)
  if (twice) throw new Error(`${dir}: ${twice} is defined twice`)
  // a component adds its resources to what the including kustomization has so far, then transforms them all
  for (const component of k.components ?? []) objects = build(path.resolve(dir, component), 'Component', objects)
  return transform(dir, k, objects)
}

/** Every object of the kustomization in `dir`, as `kustomize build dir` would give them (order aside). */
export function render (dir: string): K8sObject[] {
  return build(path.resolve(dir), 'Kustomization')
}
