import type { IstioSidecarWarning } from '@istio-backstage/plugin-istio-common';
import { byAge, selectorMatches } from '../mesh/dataPlane';
import type { RecommendationInput, SidecarObject, WorkloadInfo } from './types';
import { listNames } from './format';
import { sidecarObjectName } from './workloadSelector';

/** `k=v,k2=v2`. */
export function describeSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Each pod's labels of a workload (its `labels` when they are all alike). */
function labelsOfPods(w: WorkloadInfo): Array<Record<string, string>> {
  return w.podLabels ?? w.pods.map(() => w.labels);
}

/**
 * The labels one Sidecar for the whole entity selects its pods with, or why there is
 * none. They are the labels the entity's pods are matched with in the catalog — the
 * Kubernetes plugin's `backstage.io/kubernetes-id`, or an equality-only
 * `backstage.io/kubernetes-label-selector` — so a version deployed later is selected
 * too. Every pod of the namespace is checked: the labels must select every pod of the
 * entity's meshed workloads and no pod of another workload. `why` is undefined
 * when the recommendation is for no entity (a whole namespace).
 */
export function entitySelectorChoice(
  input: RecommendationInput,
  meshed: readonly WorkloadInfo[],
): { labels?: Record<string, string>; why?: string } {
  const entity = input.entity;
  if (!entity) return {};
  const labels = entity.matchLabels;
  if (!labels || Object.keys(labels).length === 0) {
    return {
      why: `the entity's pods are matched with the label selector "${entity.labelSelector}", which has set-based requirements a workloadSelector cannot express`,
    };
  }
  const described = describeSelector(labels);
  const missed = meshed
    .filter(w => !labelsOfPods(w).every(l => selectorMatches(labels, l)))
    .map(w => w.name);
  if (missed.length > 0) {
    return {
      why: `the entity's labels ${described} do not select every pod of ${listNames(
        missed,
      )}`,
    };
  }
  // Pods of the entity's workloads listed with the namespace but not with the entity
  // (started between the two reads) are the entity's too.
  const ownWorkloads = new Set(input.entityWorkloads.map(w => w.name));
  const own = new Set(input.entityWorkloads.flatMap(w => w.pods));
  const foreign = new Set<string>();
  for (const w of input.namespaceWorkloads) {
    if (ownWorkloads.has(w.name)) continue;
    const podLabels = labelsOfPods(w);
    w.pods.forEach((pod, i) => {
      if (!own.has(pod) && selectorMatches(labels, podLabels[i])) {
        foreign.add(w.name);
      }
    });
  }
  if (foreign.size > 0) {
    return {
      why: `the entity's labels ${described} also select pods of ${listNames(
        [...foreign].sort(),
      )} in ${input.namespace}, which are not this entity's`,
    };
  }
  return { labels };
}

/**
 * The hosts some of the entity's meshed workloads need and others do not: when there
 * are any, the workloads (typically versions) really call different things and each
 * keeps a Sidecar of its own. `needs(w)` lists the hosts workload `w`'s Sidecar holds.
 */
export function differingHosts(
  meshed: readonly WorkloadInfo[],
  needs: (workload: string) => readonly string[],
): string[] {
  if (meshed.length < 2) return [];
  const count = new Map<string, number>();
  for (const w of meshed) {
    for (const h of new Set(needs(w.name)))
      count.set(h, (count.get(h) ?? 0) + 1);
  }
  return [...count]
    .filter(([, n]) => n < meshed.length)
    .map(([h]) => h)
    .sort();
}

/**
 * Why the entity's workloads get one Sidecar each rather than one for the entity:
 * the `per-workload-sidecars` warning.
 */
export function perWorkloadWarning(
  why: string | undefined,
  differing: readonly string[],
  meshed: readonly WorkloadInfo[],
): IstioSidecarWarning | undefined {
  let reason = why;
  if (!reason && differing.length > 0) {
    reason = `its workloads call different things (${listNames(
      differing,
    )} only for some of ${listNames(meshed.map(w => w.name))})`;
  }
  if (!reason) return undefined;
  return {
    code: 'per-workload-sidecars',
    message: `One Sidecar for the whole entity is not recommended: ${reason}. Each workload gets a Sidecar selecting it alone instead; a workload deployed later (a new version) is selected by none of them until the recommendation is applied again.`,
  };
}

/** What {@link entitySidecarPlan} decides. */
export interface EntitySidecarPlan {
  name: string;
  replaces?: SidecarObject;
  /** Other selector Sidecars selecting entity workloads: older, they keep precedence. */
  overlapping: SidecarObject[];
}

/**
 * The entity Sidecar's name and what it replaces: the oldest Sidecar of the namespace
 * with exactly the entity's selector keeps its name (applying again changes it in
 * place); else a new one is named after the entity, with a name no Sidecar of the
 * namespace has. Other selector Sidecars selecting any of `meshed` overlap it.
 */
export function entitySidecarPlan(
  input: RecommendationInput,
  meshed: readonly WorkloadInfo[],
  labels: Record<string, string>,
): EntitySidecarPlan {
  const key = describeSelector(sortedLabels(labels));
  const selectorSidecars = input.sidecars
    .filter(s => s.namespace === input.namespace && s.workloadSelector)
    .sort(byAge);
  const replaces = selectorSidecars.find(
    s => describeSelector(sortedLabels(s.workloadSelector!)) === key,
  );
  const overlapping = selectorSidecars.filter(
    s =>
      s !== replaces &&
      meshed.some(w => selectorMatches(s.workloadSelector!, w.labels)),
  );
  if (replaces) return { name: replaces.name, replaces, overlapping };
  const taken = new Set(
    input.sidecars
      .filter(s => s.namespace === input.namespace)
      .map(s => s.name),
  );
  const base = sidecarObjectName(input.entity?.name ?? meshed[0].name);
  return { name: freeName(base, taken), overlapping };
}

function sortedLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k];
  return out;
}

/** `base`, else `base-2`, `base-3`… (kept within 63 characters) until one is free. */
export function freeName(base: string, taken: ReadonlySet<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) {
    name = `${base.slice(0, 62 - String(i).length)}-${i}`;
  }
  return name;
}
