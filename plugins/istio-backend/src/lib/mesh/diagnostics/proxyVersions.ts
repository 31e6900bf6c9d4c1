import type { IstioControlPlane } from '@istio-backstage/plugin-istio-common';
import type { V1Pod } from '@kubernetes/client-node';
import {
  describeObject,
  makeDiagnostic,
  plural,
  yamlDocs,
  type DiagnosticRule,
} from './diagnostic';
import { istiodRef } from './istio';
import {
  istioProxyContainer,
  podRef,
  podRevision,
  REVISION_LABEL,
} from './k8s';
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
  const groups = new Map<string, Group>();
  for (const pod of inventory.pods) {
    const image = istioProxyContainer(pod)?.image;
    const proxyMinor = parseMinor(image && parseImage(image).tag);
    if (!image || !proxyMinor) continue;
    // A pod's revision decides its control plane; with a single one there is no doubt.
    const revision =
      podRevision(pod) ??
      (mesh.controlPlanes.length === 1
        ? mesh.controlPlanes[0].revision
        : undefined);
    const cp = mesh.controlPlanes.find(c => c.revision === revision);
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
    .map(([, group]) => {
      const pods = [...group.pods].sort((a, b) =>
        (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
      );
      const object = podRef(pods[0]);
      const istiod = istiodRef(inventory, group.cp);
      const overridden = pods.some(
        p => p.metadata?.annotations?.['sidecar.istio.io/proxyImage'],
      );
      // A revision new enough to configure these proxies, if one is installed.
      const newer = mesh.controlPlanes.find(c => {
        const minor = parseMinor(c.version ?? c.tag);
        return minor && compareMinor(minor, group.proxyMinor) >= 0;
      });
      const proxy = formatMinor(group.proxyMinor);
      return makeDiagnostic('IBS-PROXY-NEWER-THAN-CONTROL-PLANE', {
        object,
        message: `${plural(pods.length, 'pod')} in Namespace ${
          group.namespace
        } ${pods.length === 1 ? 'runs' : 'run'} istio-proxy ${proxy} (${[
          ...group.images,
        ].join(', ')}), for example ${describeObject(
          object,
        )}, but their control plane ${describeObject(istiod)} (revision '${
          group.cp.revision
        }') runs Istio ${
          group.cp.version ?? group.cp.tag
        }. A control plane may be one minor ahead of its proxies, never behind.`,
        fix: {
          text: `${
            newer
              ? `Move Namespace ${group.namespace} to revision '${
                  newer.revision
                }' (Istio ${
                  newer.version ?? newer.tag
                }) with the istio.io/rev label, then restart its workloads`
              : `Upgrade the control plane to Istio ${proxy} or later before the proxies, then restart the workloads`
          }.${
            overridden
              ? ' Some of these pods pin their proxy with the sidecar.istio.io/proxyImage annotation: remove it.'
              : ''
          }`,
          ...(newer
            ? {
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
              }
            : {}),
        },
      });
    });
};
