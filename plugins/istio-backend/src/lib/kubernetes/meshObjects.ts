import type { V1Service } from '@kubernetes/client-node';
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
  exportTo: string[];
  ports: number[];
}

/** A VirtualService, the part the Sidecar analysis needs. */
export interface VirtualServiceInfo {
  namespace: string;
  name: string;
  hosts: string[];
}

/** The mesh's view of Services: host, ports and `networking.istio.io/exportTo`. */
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
      exportTo: exportTo ? exportTo.split(',').map(e => e.trim()) : ['*'],
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
    exportTo: (se.spec?.exportTo as string[] | undefined) ?? ['*'],
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
    hosts: (vs.spec?.hosts as string[] | undefined) ?? [],
  }));
}

/** Sidecars as the analysis reads them. */
export function toSidecarObjects(items: readonly IstioItem[]): SidecarObject[] {
  return items.map(sc => ({
    name: sc.metadata.name,
    namespace: sc.metadata.namespace,
    creationTimestamp: sc.metadata.creationTimestamp,
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
