import type { V1Service } from '@kubernetes/client-node';
import { specDigest } from '../canonicalJson';
import type { MeshServiceInfo, SidecarObject } from '../sidecar/types';

/** An Istio custom object as the API server sends it (plain JSON). */
export type IstioItem = {
  metadata: {
    name: string;
    namespace: string;
    creationTimestamp?: string;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, any>;
};

/** A ServiceEntry, the part the Sidecar analysis needs. */
export interface ServiceEntryInfo {
  namespace: string;
  name: string;
  hosts: string[];
  /** `spec.exportTo`; empty when unset (MeshConfig `defaultServiceExportTo` applies). */
  exportTo: string[];
  ports: number[];
}

/** A VirtualService, the part the Sidecar analysis needs. */
export interface VirtualServiceInfo {
  namespace: string;
  name: string;
  /** `spec.hosts` as written (short names are resolved in the object's namespace). */
  hosts: string[];
  /** `spec.exportTo`; empty when unset (MeshConfig `defaultVirtualServiceExportTo` applies). */
  exportTo: string[];
  /** `spec.gateways`; empty when unset, which means `mesh` (the sidecars). */
  gateways: string[];
}

/** A DestinationRule, the part the Sidecar analysis needs. */
export interface DestinationRuleInfo {
  namespace: string;
  name: string;
  /** `spec.host` as written (a short name is resolved in the object's namespace). */
  host: string;
  /** `spec.exportTo`; empty when unset (MeshConfig `defaultDestinationRuleExportTo` applies). */
  exportTo: string[];
  /** `spec.workloadSelector.labels`: such a rule applies to its own namespace only. */
  workloadSelector?: Record<string, string>;
}

/**
 * The mesh's view of Services: host, ports and `networking.istio.io/exportTo` (empty
 * when unset: MeshConfig `defaultServiceExportTo` applies).
 */
export function toServiceInfos(
  services: readonly V1Service[],
): MeshServiceInfo[] {
  return services.map(s => {
    const exportTo = s.metadata?.annotations?.['networking.istio.io/exportTo'];
    return {
      namespace: s.metadata?.namespace ?? '',
      name: s.metadata?.name ?? '',
      host: `${s.metadata?.name}.${s.metadata?.namespace}.svc.cluster.local`,
      ports: (s.spec?.ports ?? []).map(p => p.port),
      exportTo: exportTo
        ? exportTo
            .split(',')
            .map(e => e.trim())
            .filter(Boolean)
        : [],
      serviceEntry: false,
    };
  });
}

/** ServiceEntries as the analysis reads them. */
export function toServiceEntries(
  items: readonly IstioItem[],
): ServiceEntryInfo[] {
  return items.map(se => ({
    namespace: se.metadata.namespace,
    name: se.metadata.name,
    hosts: (se.spec?.hosts as string[] | undefined) ?? [],
    exportTo: stringList(se.spec?.exportTo),
    ports: (
      (se.spec?.ports as Array<{ number: number }> | undefined) ?? []
    ).map(p => p.number),
  }));
}

/** VirtualServices as the analysis reads them. */
export function toVirtualServices(
  items: readonly IstioItem[],
): VirtualServiceInfo[] {
  return items.map(vs => ({
    namespace: vs.metadata.namespace,
    name: vs.metadata.name,
    hosts: stringList(vs.spec?.hosts),
    exportTo: stringList(vs.spec?.exportTo),
    gateways: stringList(vs.spec?.gateways),
  }));
}

/** DestinationRules as the analysis reads them. */
export function toDestinationRules(
  items: readonly IstioItem[],
): DestinationRuleInfo[] {
  return items.map(dr => {
    const selector = dr.spec?.workloadSelector?.matchLabels;
    return {
      namespace: dr.metadata.namespace,
      name: dr.metadata.name,
      host: typeof dr.spec?.host === 'string' ? dr.spec.host : '',
      exportTo: stringList(dr.spec?.exportTo),
      ...(selector && typeof selector === 'object'
        ? { workloadSelector: selector as Record<string, string> }
        : {}),
    };
  });
}

/** A list of strings from a spec field; anything else is empty. */
function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

/** Sidecars as the analysis reads them. */
export function toSidecarObjects(items: readonly IstioItem[]): SidecarObject[] {
  return items.map(sc => ({
    name: sc.metadata.name,
    namespace: sc.metadata.namespace,
    creationTimestamp: sc.metadata.creationTimestamp,
    specDigest: specDigest(sc.spec),
    ...(sc.spec?.workloadSelector?.labels
      ? {
          workloadSelector: sc.spec.workloadSelector.labels as Record<
            string,
            string
          >,
        }
      : {}),
    hosts: (
      (sc.spec?.egress as Array<{ hosts?: string[] }> | undefined) ?? []
    ).flatMap(e => e.hosts ?? []),
    ...(sc.spec?.outboundTrafficPolicy?.mode
      ? { outboundTrafficPolicy: sc.spec.outboundTrafficPolicy.mode as string }
      : {}),
  }));
}

/** ServiceEntry hosts as mesh services, one per host, as istiod pushes them to proxies. */
export function serviceEntryHosts(
  serviceEntries: readonly ServiceEntryInfo[],
): MeshServiceInfo[] {
  return serviceEntries.flatMap(se =>
    se.hosts.map(host => ({
      namespace: se.namespace,
      name: se.name,
      host,
      ports: se.ports,
      exportTo: se.exportTo,
      serviceEntry: true,
    })),
  );
}
