import type { IstioMeshConfig } from '@istio-backstage/plugin-istio-common';
import { namespaceCollectors } from '../meshRevisions';
import {
  describeObject,
  makeDiagnostic,
  yamlDocs,
  type DiagnosticRule,
  type ObjectRef,
} from './diagnostic';
import {
  apiVersions,
  controlPlaneNamespaces,
  rootNamespaces,
  sidecarSelector,
} from './istio';

/** Services from which an unscoped proxy's configuration is large enough to matter. */
export const SCOPING_MIN_SERVICES = 200;

/**
 * Egress hosts of a namespace default Sidecar: the namespace itself (`./*`), the
 * control plane namespaces and the tracing collectors its proxies send spans to
 * (omitting them drops spans).
 */
export function defaultSidecarHosts(
  mesh: IstioMeshConfig,
  collectors: ReadonlyArray<{ namespace: string; name: string }>,
): string[] {
  const hosts = ['./*'];
  const cpNamespaces = [...controlPlaneNamespaces(mesh)].sort();
  hosts.push(...cpNamespaces.map(ns => `${ns}/*`));
  for (const collector of collectors)
    if (!cpNamespaces.includes(collector.namespace))
      hosts.push(
        `${collector.namespace}/${collector.name}.${collector.namespace}.svc.cluster.local`,
      );
  return hosts;
}

/**
 * Injected namespaces without Sidecar scoping in a large mesh: no selector-less Sidecar
 * in the namespace and no mesh default in a root namespace. One diagnostic each.
 */
export const namespaceNotScoped: DiagnosticRule = (inventory, mesh) => {
  const services = mesh.meshSize.services;
  if (services === undefined || services < SCOPING_MIN_SERVICES) return [];
  const sidecars = inventory.sidecars;
  const roots = rootNamespaces(inventory, mesh);
  // Without the Sidecar list or a known root namespace, scoping cannot be judged.
  if (!sidecars || roots.size === 0) return [];
  const defaults = new Set(
    sidecars
      .filter(s => sidecarSelector(s) === undefined)
      .map(s => s.metadata.namespace ?? ''),
  );
  if ([...roots].some(root => defaults.has(root))) return [];

  // Sidecars do not apply to gateways, and the control plane has no sidecars of its own.
  const skip = new Set([
    ...controlPlaneNamespaces(mesh),
    ...mesh.gateways.map(g => g.namespace),
    ...mesh.dataPlane.ambientNamespaces,
  ]);
  const rootList = [...roots].join(', ');
  return [...new Set(mesh.dataPlane.sidecarNamespaces)]
    .filter(ns => !skip.has(ns) && !defaults.has(ns))
    .sort()
    .map(namespace => {
      const object: ObjectRef = { kind: 'Namespace', name: namespace };
      const hosts = defaultSidecarHosts(
        mesh,
        namespaceCollectors(inventory, mesh.controlPlanes, namespace),
      );
      return makeDiagnostic('IBS-NAMESPACE-NOT-SCOPED', {
        object,
        message: `${describeObject(
          object,
        )} has injected workloads but no Sidecar scoping (no selector-less Sidecar in it, no mesh default Sidecar in ${rootList}): each of its proxies holds configuration for all ${services} services of the mesh.`,
        fix: {
          text: `Apply a default Sidecar to ${namespace} limiting egress to the namespace itself, the control plane${
            hosts.length > 2 ? ' and the tracing collector' : ''
          }. Add the namespaces its workloads call (the Service Mesh tab of the entity recommends them from observed traffic): destinations left out fall back to PassthroughCluster and lose routing and mTLS policy.`,
          yaml: yamlDocs({
            comment: `Scoping egress to "./*" took bookinfo's proxies from ~327Mi to ~60Mi`,
            value: {
              apiVersion: apiVersions(mesh).networking,
              kind: 'Sidecar',
              metadata: { name: 'default', namespace },
              spec: { egress: [{ hosts }] },
            },
          }),
        },
      });
    });
};
