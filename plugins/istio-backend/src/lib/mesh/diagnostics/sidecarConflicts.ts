import type { IstioObject } from '../inventory';
import {
  describeObject,
  makeDiagnostic,
  yamlDocs,
  type DiagnosticRule,
  type ObjectRef,
} from './diagnostic';
import {
  apiVersions,
  istioObjectRef,
  rootNamespaces,
  sidecarEgressHosts,
  sidecarSelector,
} from './istio';
import {
  isAmbientNamespace,
  isSidecarProxy,
  proxyKindOf,
  selectorMatches,
} from '../dataPlane';

function byNamespace(sidecars: IstioObject[]): Map<string, IstioObject[]> {
  const groups = new Map<string, IstioObject[]>();
  for (const sidecar of sidecars) {
    const ns = sidecar.metadata.namespace ?? '';
    groups.set(ns, [...(groups.get(ns) ?? []), sidecar]);
  }
  return groups;
}

const byName = (a: IstioObject, b: IstioObject) =>
  a.metadata.name.localeCompare(b.metadata.name);

/** Several selector-less Sidecars in one namespace (cf. IST0111). */
export const multipleDefaultSidecars: DiagnosticRule = (inventory, mesh) => {
  if (!inventory.sidecars) return [];
  const selectorLess = inventory.sidecars.filter(
    s => sidecarSelector(s) === undefined,
  );
  return [...byNamespace(selectorLess).entries()]
    .filter(([, group]) => group.length > 1)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([namespace, group]) => {
      const sorted = [...group].sort(byName);
      const object: ObjectRef = { kind: 'Namespace', name: namespace };
      const names = sorted.map(s => s.metadata.name);
      const hosts = [...new Set(sorted.flatMap(sidecarEgressHosts))];
      const obsolete = names.filter(n => n !== 'default');
      return makeDiagnostic('IBS-SIDECAR-MULTIPLE-DEFAULTS', {
        object,
        message: `${describeObject(object)} has ${
          names.length
        } Sidecars without workloadSelector (${names.join(
          ', ',
        )}); only one applies, so the namespace's proxies do not get the scope you wrote.`,
        fix: {
          text: `Merge them into one Sidecar named default and delete the others (kubectl delete sidecars.networking.istio.io -n ${namespace} ${obsolete.join(
            ' ',
          )}). Merge ingress and outboundTrafficPolicy settings by hand if they differ.`,
          yaml: yamlDocs({
            comment: `Egress hosts of ${names.join(', ')} merged`,
            value: {
              apiVersion: apiVersions(mesh).networking,
              kind: 'Sidecar',
              metadata: { name: 'default', namespace },
              spec: { egress: [{ hosts: hosts.length ? hosts : ['./*'] }] },
            },
          }),
        },
      });
    });
};

/** A root-namespace Sidecar with a workloadSelector is not the mesh default (cf. KIA1006). */
export const rootSidecarWithSelector: DiagnosticRule = (inventory, mesh) => {
  if (!inventory.sidecars) return [];
  const roots = rootNamespaces(inventory, mesh);
  const inRoot = inventory.sidecars.filter(s =>
    roots.has(s.metadata.namespace ?? ''),
  );
  const rootDefaultExists = inRoot.some(s => sidecarSelector(s) === undefined);
  return inRoot
    .filter(s => sidecarSelector(s) !== undefined)
    .sort(byName)
    .map(sidecar => {
      const object = istioObjectRef('Sidecar', sidecar);
      const selector = Object.entries(sidecarSelector(sidecar)!)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const { workloadSelector: _dropped, ...spec } = sidecar.spec ?? {};
      return makeDiagnostic('IBS-ROOT-SIDECAR-WITH-SELECTOR', {
        object,
        message: `${describeObject(
          object,
        )} is in the root namespace but has a workloadSelector (${selector}): it is not the mesh-wide default and only applies to matching workloads of ${
          object.namespace
        }.`,
        fix: rootDefaultExists
          ? {
              text: `A mesh default Sidecar already exists in ${object.namespace}; move ${object.name} to the namespace of the workloads it is meant for (keeping its workloadSelector), or delete it.`,
            }
          : {
              text: `To make it the mesh default, remove its workloadSelector; if it targets particular workloads, move it to their namespace instead.`,
              yaml: yamlDocs({
                comment: 'Mesh-wide default Sidecar: no workloadSelector',
                value: {
                  apiVersion:
                    sidecar.apiVersion ?? apiVersions(mesh).networking,
                  kind: 'Sidecar',
                  metadata: { name: object.name, namespace: object.namespace },
                  spec,
                },
              }),
            },
      });
    });
};

/**
 * Sidecars in ambient namespaces have no effect (cf. IST0167), unless pods there opted
 * into a sidecar (`sidecar.istio.io/inject`) and the Sidecar selects them. A gateway's
 * Envoy does not count: Sidecars never configure gateways.
 */
export const sidecarInAmbientNamespace: DiagnosticRule = (inventory, _mesh) => {
  if (!inventory.sidecars || !inventory.namespaces) return [];
  const ambient = new Set(
    inventory.namespaces
      .filter(ns => isAmbientNamespace(ns.metadata?.labels))
      .map(ns => ns.metadata?.name ?? ''),
  );
  return inventory.sidecars
    .filter(sidecar => ambient.has(sidecar.metadata.namespace ?? ''))
    .filter(sidecar => {
      const selector = sidecarSelector(sidecar) ?? {};
      const appliesToAProxy = inventory.pods?.some(
        pod =>
          pod.metadata?.namespace === sidecar.metadata.namespace &&
          isSidecarProxy(proxyKindOf(pod)) &&
          selectorMatches(selector, pod.metadata?.labels),
      );
      return !appliesToAProxy;
    })
    .sort(
      (a, b) =>
        (a.metadata.namespace ?? '').localeCompare(
          b.metadata.namespace ?? '',
        ) || byName(a, b),
    )
    .map(sidecar => {
      const object = istioObjectRef('Sidecar', sidecar);
      return makeDiagnostic('IBS-SIDECAR-IN-AMBIENT-NAMESPACE', {
        object,
        message: `${describeObject(object)} has no effect: Namespace ${
          object.namespace
        } is in ambient mode (istio.io/dataplane-mode=ambient) and its workloads have no sidecar proxy.`,
        fix: {
          text: `Delete it (kubectl delete sidecars.networking.istio.io -n ${object.namespace} ${object.name}). Ambient workloads are served by ztunnel and waypoints; restrict their traffic with AuthorizationPolicy, or move the namespace back to sidecar mode if you need Sidecar scoping.`,
        },
      });
    });
};
