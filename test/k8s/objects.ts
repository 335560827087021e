// What the infra/k8s tests share: every kustomization rendered once, typed views of pods and containers,
// Kubernetes quantities, and the schema check by kubernetes-models.
import path from 'node:path'
import { repoRoot } from '@app/devstack'
import * as apps from 'kubernetes-models/apps/v1'
import * as autoscaling from 'kubernetes-models/autoscaling/v2'
import * as batch from 'kubernetes-models/batch/v1'
import * as networking from 'kubernetes-models/networking.k8s.io/v1'
import * as policy from 'kubernetes-models/policy/v1'
import * as core from 'kubernetes-models/v1'
import type { IContainer, IPodTemplateSpec } from 'kubernetes-models/v1'
import { render, type K8sObject } from './kustomize.ts'

export const k8sDir = path.join(repoRoot, 'infra', 'k8s')
/** Every kustomization a user applies: the base and its migration, and the local overlay of each. */
export const kustomizations = ['base', 'migrate', 'local', 'local/migrate'] as const
export type KustomizationName = typeof kustomizations[number]

const rendered = new Map<string, K8sObject[]>()
export function rendering (name: KustomizationName): K8sObject[] {
  const known = rendered.get(name)
  if (known) return known
  const objects = render(path.join(k8sDir, name))
  rendered.set(name, objects)
  return objects
}

type Model = new (data: unknown) => { validate: () => void }
const groups: Record<string, Record<string, unknown>> = {
  v1: core,
  'apps/v1': apps,
  'batch/v1': batch,
  'policy/v1': policy,
  'autoscaling/v2': autoscaling,
  'networking.k8s.io/v1': networking
}

/** Throws, naming the field, when the object does not match its kind's schema (or no schema is known for it). */
export function validateSchema (object: K8sObject): void {
  const KindModel = groups[object.apiVersion]?.[object.kind] as Model | undefined
  if (!KindModel) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`)
  new KindModel(object).validate()
}

export interface Workload { object: K8sObject, template: IPodTemplateSpec }

/** Deployments, StatefulSets and Jobs, each with its pod template. */
export function workloads (objects: K8sObject[]): Workload[] {
  return objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
    .map((object) => ({ object, template: (object.spec as { template: IPodTemplateSpec }).template }))
}

export function containersOf (workload: Workload): IContainer[] {
  const spec = workload.template.spec
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]
}

export function byKindName (objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name)
}

const units: Record<string, number> = {
  m: 1e-3, k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, '': 1
}

/** A Kubernetes quantity (`250m`, `1`, `128Mi`) as a number of cores or bytes. */
export function quantity (value: string | number | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|Ki|Mi|Gi|)$/.exec(String(value))
  if (!match) throw new Error(`not a quantity this test reads: ${String(value)}`)
  return Number(match[1]) * (units[match[2] ?? ''] ?? Number.NaN)
}
