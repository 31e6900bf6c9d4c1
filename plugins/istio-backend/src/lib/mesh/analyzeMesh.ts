import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import {
  supportVerdict,
  type IstioControlPlane,
  type IstioSupportMatrix,
  type IstioGateway,
  type IstioMeshConfig,
  type KialiExternalService,
  type Tristate,
} from '@istio-backstage/plugin-istio-common';
import {
  injectsSidecars,
  isAmbientNamespace,
  isSidecarProxy,
  proxyKindOf,
} from './dataPlane';
import type { MeshInventory } from './inventory';
import { meshRevisions, primaryRevision, revisionViews } from './meshRevisions';
import {
  isGatewayPod,
  istioProxyOf,
  parseImage,
  parseYamlSafely,
  resolveServiceHost,
  versionOfTag,
} from './parse';

type Mesh = Record<string, any>;

function tristate(value: boolean | undefined): Tristate {
  if (value === undefined) return 'unknown';
  return value ? 'yes' : 'no';
}

function isIstiod(d: V1Deployment): boolean {
  return (
    d.metadata?.labels?.app === 'istiod' ||
    d.spec?.template?.metadata?.labels?.app === 'istiod'
  );
}

function revisionOf(d: V1Deployment): string {
  const env = d.spec?.template?.spec?.containers?.[0]?.env?.find(
    e => e.name === 'REVISION',
  )?.value;
  return d.metadata?.labels?.['istio.io/rev'] ?? env ?? 'default';
}

function installMethodOf(
  d: V1Deployment,
  inventory: MeshInventory,
): IstioControlPlane['installMethod'] {
  const labels = d.metadata?.labels ?? {};
  if (
    labels['app.kubernetes.io/managed-by'] === 'Helm' ||
    labels['helm.sh/chart']
  )
    return 'helm';
  const operatorRunning = inventory.deployments?.some(
    x => x.metadata?.name === 'istio-operator',
  );
  if (operatorRunning) return 'operator';
  if (
    labels['operator.istio.io/component'] ||
    labels['install.operator.istio.io/owning-resource']
  )
    return 'istioctl';
  return 'unknown';
}

/** How {@link analyzeMesh} describes a cluster's mesh. */
export interface MeshAnalysisOptions {
  cluster: string;
  title?: string;
  /** The day the mesh is read on (end-of-life checks). */
  now: Date;
  /**
   * The support matrix for the control planes' verdicts: the built-in one merged with
   * `istio.supportMatrix`; the built-in one unless told.
   */
  supportMatrix?: IstioSupportMatrix;
}

/** A control plane's support verdict, with the matrix row's figures when known. */
function supportOf(
  version: string | undefined,
  kubernetesVersion: string | undefined,
  options: Pick<MeshAnalysisOptions, 'now' | 'supportMatrix'>,
): IstioControlPlane['support'] {
  if (!version || !kubernetesVersion)
    return {
      verdict: 'unknown',
      reasons: [
        version
          ? 'the Kubernetes version could not be read'
          : 'the Istio version could not be read from the istiod image',
      ],
    };
  const verdict = supportVerdict({
    istioVersion: version,
    kubernetesVersion,
    now: options.now,
    matrix: options.supportMatrix,
  });
  const { release } = verdict;
  return {
    verdict: verdict.verdict,
    reasons: verdict.reasons,
    ...(release
      ? {
          kubernetesTested: release.kubernetesTested.join('–'),
          endOfLife: release.endOfLife,
          ...(release.endOfLifeExpected ? { endOfLifeExpected: true } : {}),
        }
      : {}),
    matrixAsOf: verdict.matrixAsOf,
  };
}

function controlPlanes(
  inventory: MeshInventory,
  options: Pick<MeshAnalysisOptions, 'now' | 'supportMatrix'>,
): IstioControlPlane[] {
  return (inventory.deployments ?? []).filter(isIstiod).map(d => {
    const containers = d.spec?.template?.spec?.containers ?? [];
    const imageName = (
      containers.find(c => c.name === 'discovery') ?? containers[0]
    )?.image;
    const image = imageName ? parseImage(imageName) : undefined;
    const version = versionOfTag(image?.tag);
    return {
      revision: revisionOf(d),
      namespace: d.metadata?.namespace ?? '',
      version,
      hub: image?.hub,
      tag: image?.tag,
      installMethod: installMethodOf(d, inventory),
      support: supportOf(version, inventory.kubernetesVersion, options),
      ready: {
        ready: d.status?.readyReplicas ?? 0,
        desired: d.spec?.replicas ?? d.status?.replicas ?? 0,
      },
    };
  });
}

function gatewaysOf(pods: V1Pod[] | undefined): IstioGateway[] {
  const byWorkload = new Map<string, IstioGateway>();
  for (const pod of pods ?? []) {
    const labels = pod.metadata?.labels ?? {};
    const template = pod.metadata?.annotations?.['inject.istio.io/templates'];
    if (!isGatewayPod(pod)) continue;
    const name =
      labels.app ??
      labels['app.kubernetes.io/name'] ??
      pod.metadata?.name ??
      'gateway';
    const key = `${pod.metadata?.namespace}/${name}`;
    const existing = byWorkload.get(key);
    if (existing) {
      existing.replicas = (existing.replicas ?? 0) + 1;
      continue;
    }
    byWorkload.set(key, {
      name,
      namespace: pod.metadata?.namespace ?? '',
      ...(template ? { injectionTemplate: template } : {}),
      sendsTraces: template === 'gateway' ? 'yes' : 'no',
      replicas: 1,
    });
  }
  return [...byWorkload.values()];
}

function kialiOf(
  inventory: MeshInventory,
  rootNamespace: string,
): IstioMeshConfig['kiali'] {
  if (!inventory.configMaps && !inventory.deployments)
    return { installed: 'unknown', externalServices: [] };
  const cm = inventory.configMaps?.find(c => c.metadata?.name === 'kiali');
  const deployment = inventory.deployments?.find(
    d => d.metadata?.name === 'kiali',
  );
  if (!cm && !deployment)
    return {
      installed: inventory.deployments ? 'no' : 'unknown',
      externalServices: [],
    };
  const config = parseYamlSafely(cm?.data?.['config.yaml']) as Mesh | undefined;
  const external = (config?.external_services ?? {}) as Mesh;
  const services: KialiExternalService[] = [];
  for (const name of ['prometheus', 'grafana', 'tracing']) {
    const entry = external[name] as Mesh | undefined;
    const url: string | undefined =
      entry?.internal_url ?? entry?.in_cluster_url ?? entry?.url;
    if (!url || entry?.enabled === false) continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed) {
      services.push({ name, url, exists: 'unknown' });
      continue;
    }
    const defaultPort = parsed.protocol === 'https:' ? 443 : 80;
    const port = parsed.port ? Number(parsed.port) : defaultPort;
    const resolved = resolveServiceHost(
      parsed.hostname,
      port,
      inventory.services,
      cm?.metadata?.namespace ?? rootNamespace,
    );
    services.push({ name, url, exists: resolved.exists });
  }
  return {
    installed: 'yes',
    namespace: cm?.metadata?.namespace ?? deployment?.metadata?.namespace,
    externalServices: services,
  };
}

/**
 * Describes a cluster's installed mesh from what was read: every field that depends on
 * a failed read is unknown or absent, never a guess.
 */
export function analyzeMesh(
  inventory: MeshInventory,
  options: MeshAnalysisOptions,
): Omit<IstioMeshConfig, 'diagnostics'> {
  const planes = controlPlanes(inventory, options);
  const { revisions, unreadable } = meshRevisions(inventory, planes);
  const primary = primaryRevision(revisions);
  const config = primary?.config;
  const dataPlane = dataPlaneOf(inventory);
  return {
    cluster: options.cluster,
    ...(options.title ? { title: options.title } : {}),
    readAt: options.now.toISOString(),
    ...(inventory.kubernetesVersion
      ? { kubernetesVersion: inventory.kubernetesVersion }
      : {}),
    istioInstalled: inventory.deployments
      ? tristate(planes.length > 0)
      : 'unknown',
    controlPlanes: planes,
    dataPlane: dataPlane.summary,
    cni: cniOf(inventory),
    tracing: primary?.tracing ?? {
      enabled: 'unknown',
      configuredIn: 'unknown',
    },
    revisions: revisionViews(inventory, planes),
    gateways: gatewaysOf(inventory.pods),
    ...(config?.known
      ? { outboundTrafficPolicy: config.outboundTrafficPolicy }
      : {}),
    ...(config?.known && config.discoverySelectors
      ? { discoverySelectors: config.discoverySelectors }
      : {}),
    prometheus: {
      merge: config?.known ? tristate(config.prometheusMerge) : 'unknown',
      configured: inventory.prometheusConfigured,
      envoySeries: tristate(inventory.prometheus?.envoySeries),
      istiodSeries: tristate(inventory.prometheus?.istiodSeries),
    },
    kiali: kialiOf(
      inventory,
      primary?.controlPlane.namespace ?? 'istio-system',
    ),
    meshSize: meshSizeOf(inventory, dataPlane),
    errors: [...inventory.errors, ...unreadable.map(unreadableMeshConfig)],
  };
}

/** The data plane, with the counts the mesh size reports (undefined when not read). */
interface DataPlaneRead {
  summary: IstioMeshConfig['dataPlane'];
  injectedNamespaces?: number;
  proxies?: number;
}

/** Sidecar and ambient namespaces, and the sidecar proxies' versions and kind. */
function dataPlaneOf(inventory: MeshInventory): DataPlaneRead {
  const namespaces = inventory.namespaces;
  const injected = namespaces?.filter(n => injectsSidecars(n.metadata?.labels));
  const ambient = namespaces?.filter(n =>
    isAmbientNamespace(n.metadata?.labels),
  );
  const proxies = sidecarProxiesOf(inventory.pods);
  const proxyVersions: Record<string, number> = {};
  for (const proxy of proxies ?? []) {
    const version =
      versionOfTag(proxy.image ? parseImage(proxy.image).tag : undefined) ??
      'unknown';
    proxyVersions[version] = (proxyVersions[version] ?? 0) + 1;
  }
  let nativeSidecars: IstioMeshConfig['dataPlane']['nativeSidecars'] =
    'unknown';
  if (proxies && proxies.length > 0) {
    const native = proxies.filter(p => p.native).length;
    if (native === 0) nativeSidecars = 'no';
    else nativeSidecars = native === proxies.length ? 'yes' : 'mixed';
  }
  return {
    summary: {
      sidecarNamespaces: (injected ?? []).map(n => n.metadata!.name!).sort(),
      ambientNamespaces: (ambient ?? []).map(n => n.metadata!.name!).sort(),
      nativeSidecars,
      proxyVersions,
    },
    injectedNamespaces: injected?.length,
    proxies: proxies?.length,
  };
}

/** The pods' sidecar proxies; gateways, whose Envoy is their main container, are not. */
function sidecarProxiesOf(
  pods: V1Pod[] | undefined,
): Array<{ native: boolean; image?: string }> | undefined {
  return pods?.flatMap(pod => {
    const kind = proxyKindOf(pod);
    if (!isSidecarProxy(kind)) return [];
    const image = istioProxyOf(pod)?.container.image;
    return [{ native: kind === 'native-sidecar', ...(image ? { image } : {}) }];
  });
}

/** Whether the CNI node agent is installed, and how many pods still need NET_ADMIN. */
function cniOf(inventory: MeshInventory): IstioMeshConfig['cni'] {
  const netAdmin = inventory.pods?.filter(p =>
    (p.spec?.initContainers ?? []).some(
      c =>
        c.name === 'istio-init' &&
        (c.securityContext?.capabilities?.add ?? []).includes('NET_ADMIN'),
    ),
  ).length;
  return {
    installed: inventory.daemonSets
      ? tristate(
          inventory.daemonSets.some(d => d.metadata?.name === 'istio-cni-node'),
        )
      : 'unknown',
    ...(netAdmin !== undefined ? { podsWithNetAdmin: netAdmin } : {}),
  };
}

/** What the mesh holds, each count only when its list was read. */
function meshSizeOf(
  inventory: MeshInventory,
  dataPlane: DataPlaneRead,
): IstioMeshConfig['meshSize'] {
  return {
    ...(inventory.namespaces
      ? { namespaces: inventory.namespaces.length }
      : {}),
    ...(dataPlane.injectedNamespaces !== undefined
      ? { injectedNamespaces: dataPlane.injectedNamespaces }
      : {}),
    ...(inventory.services ? { services: inventory.services.length } : {}),
    ...(inventory.pods ? { pods: inventory.pods.length } : {}),
    ...(dataPlane.proxies !== undefined ? { proxies: dataPlane.proxies } : {}),
    ...(inventory.sidecars
      ? { sidecarResources: inventory.sidecars.length }
      : {}),
  };
}

/** The error reported for a MeshConfig ConfigMap that cannot be parsed safely. */
function unreadableMeshConfig(name: string): MeshInventory['errors'][number] {
  return {
    source: `kubernetes:configmaps/${name}`,
    errorType: 'InvalidResponse',
    message: `ConfigMap ${name} data.mesh is not one YAML document without aliases; its MeshConfig settings are unknown`,
  };
}
