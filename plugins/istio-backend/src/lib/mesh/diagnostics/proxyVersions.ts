import type {
  IstioControlPlane,
  IstioDiagnostic,
} from '@istio-backstage/plugin-istio-common';
import type { V1Pod } from '@kubernetes/client-node';
import { REVISION_LABEL } from '../dataPlane';
import type { MeshInventory } from '../inventory';
import type { RevisionTag } from '../revisions';
import {
  describeObject,
  makeDiagnostic,
  plural,
  yamlDocs,
  type DiagnosticRule,
} from './diagnostic';
import { istiodRef } from './istio';
import { istioProxyContainer, podRef, podRevision } from './k8s';
import {
  compareMinor,
  formatMinor,
  parseImage,
  parseMinor,
  type Minor,
} from './versions';

interface Group {
  namespace: string;
  proxyMinor: Minor;
  cp: IstioControlPlane;
  cpMinor: Minor;
  pods: V1Pod[];
  images: Set<string>;
}

/**
 * Proxies newer than the control plane that configures them. Istio supports a control
 * plane one minor ahead of its proxies, never behind. Grouped per namespace, proxy minor
 * and revision so a big namespace gives one diagnostic.
 */
export const proxyNewerThanControlPlane: DiagnosticRule = (inventory, mesh) => {
  if (!inventory.pods || mesh.controlPlanes.length === 0) return [];
  return groupNewerProxies(
    inventory.pods,
    mesh.controlPlanes,
    inventory.revisionTags,
  ).map(group => newerProxiesDiagnostic(inventory, mesh.controlPlanes, group));
};

/**
 * The pods whose proxy is newer than the control plane configuring it, grouped per
 * namespace, proxy minor and revision (in that order).
 */
function groupNewerProxies(
  pods: readonly V1Pod[],
  controlPlanes: readonly IstioControlPlane[],
  tags: readonly RevisionTag[] | undefined,
): Group[] {
  const groups = new Map<string, Group>();
  for (const pod of pods) {
    const image = istioProxyContainer(pod)?.image;
    const proxyMinor = parseMinor(image && parseImage(image).tag);
    if (!image || !proxyMinor) continue;
    const cp = controlPlaneOf(pod, controlPlanes, tags);
    const cpMinor = parseMinor(cp?.version ?? cp?.tag);
    if (!cp || !cpMinor || compareMinor(proxyMinor, cpMinor) <= 0) continue;
    const namespace = pod.metadata?.namespace ?? '';
    const key = `${namespace}|${formatMinor(proxyMinor)}|${cp.revision}`;
    const group = groups.get(key) ?? {
      namespace,
      proxyMinor,
      cp,
      cpMinor,
      pods: [],
      images: new Set<string>(),
    };
    group.pods.push(pod);
    group.images.add(image);
    groups.set(key, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, group]) => group);
}

/** The control plane that configures a pod's proxy. */
function controlPlaneOf(
  pod: V1Pod,
  controlPlanes: readonly IstioControlPlane[],
  tags: readonly RevisionTag[] | undefined,
): IstioControlPlane | undefined {
  // A pod's revision decides its control plane; with a single one there is no doubt.
  const named =
    podRevision(pod) ??
    (controlPlanes.length === 1 ? controlPlanes[0].revision : undefined);
  // An istio.io/rev label may name a revision tag.
  const revision = tags?.find(t => t.tag === named)?.revision ?? named;
  return (
    controlPlanes.find(c => c.revision === named) ??
    controlPlanes.find(c => c.revision === revision)
  );
}

/** One diagnostic for a group, naming its first pod. */
function newerProxiesDiagnostic(
  inventory: MeshInventory,
  controlPlanes: readonly IstioControlPlane[],
  group: Group,
): IstioDiagnostic {
  const pods = [...group.pods].sort((a, b) =>
    (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  );
  const object = podRef(pods[0]);
  const istiod = istiodRef(inventory, group.cp);
  return makeDiagnostic('IBS-PROXY-NEWER-THAN-CONTROL-PLANE', {
    object,
    message: `${plural(pods.length, 'pod')} in Namespace ${group.namespace} ${
      pods.length === 1 ? 'runs' : 'run'
    } istio-proxy ${formatMinor(group.proxyMinor)} (${[...group.images].join(
      ', ',
    )}), for example ${describeObject(
      object,
    )}, but their control plane ${describeObject(istiod)} (revision '${
      group.cp.revision
    }') runs Istio ${
      group.cp.version ?? group.cp.tag
    }. A control plane may be one minor ahead of its proxies, never behind.`,
    fix: newerProxiesFix(controlPlanes, group, pods),
  });
}

/**
 * Move the namespace to a revision new enough for its proxies when one is installed,
 * else upgrade the control plane first; a pinned proxy image must go either way.
 */
function newerProxiesFix(
  controlPlanes: readonly IstioControlPlane[],
  group: Group,
  pods: readonly V1Pod[],
): { text: string; yaml?: string } {
  const proxy = formatMinor(group.proxyMinor);
  const overridden = pods.some(
    p => p.metadata?.annotations?.['sidecar.istio.io/proxyImage'],
  );
  const newer = controlPlanes.find(c => {
    const minor = parseMinor(c.version ?? c.tag);
    return minor && compareMinor(minor, group.proxyMinor) >= 0;
  });
  const pinned = overridden
    ? ' Some of these pods pin their proxy with the sidecar.istio.io/proxyImage annotation: remove it.'
    : '';
  if (!newer) {
    return {
      text: `Upgrade the control plane to Istio ${proxy} or later before the proxies, then restart the workloads.${pinned}`,
    };
  }
  return {
    text: `Move Namespace ${group.namespace} to revision '${
      newer.revision
    }' (Istio ${
      newer.version ?? newer.tag
    }) with the istio.io/rev label, then restart its workloads.${pinned}`,
    yaml: yamlDocs({
      comment: `kubectl label namespace ${group.namespace} istio-injection- ${REVISION_LABEL}=${newer.revision} --overwrite`,
      value: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: group.namespace,
          labels: { [REVISION_LABEL]: newer.revision },
        },
      },
    }),
  };
}
