import type { IstioControlPlane } from '@istio-backstage/plugin-istio-common';
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { REVISION_LABEL } from './dataPlane';
import { parseYamlSafely } from './parse';

// Each control plane revision's MeshConfig, as its istiod reads it, cut to the facts
// the analysis uses. Plain JSON: it is kept in the cache service between requests.

type Mesh = Record<string, any>;

/** Istio's own default root namespace (MeshConfig `rootNamespace`; the charts write `global.istioNamespace`, `istio-system`). */
export const DEFAULT_ROOT_NAMESPACE = 'istio-system';

/** `istio` for the default revision, `istio-<rev>` otherwise (key `mesh` = MeshConfig). */
export function meshConfigMapName(revision: string): string {
  return revision === 'default' || revision === ''
    ? 'istio'
    : `istio-${revision}`;
}

/** A MeshConfig `extensionProviders` entry that can trace. */
export interface TracingProvider {
  name: string;
  /** `zipkin`, `opentelemetry`, `datadog`, `skywalking`, `lightstep`, `stackdriver`… */
  kind: string;
  /** As written: a host, or `<namespace>/<host>`. */
  service?: string;
  port?: number;
  /** An OpenTelemetry provider with its own sampler: Envoy then samples 100 % and lets it decide. */
  customSampler?: boolean;
}

/** MeshConfig `defaultConfig.tracing` as written (the legacy, bootstrap-configured tracer). */
export interface LegacyTracing {
  /** The tracer written (`zipkin`, `datadog`, `lightstep`, `stackdriver`, `openCensusAgent`); none for `tracing: {}`. */
  tracer?: string;
  /** Its `address` (`host:port`), when it has one. */
  address?: string;
  sampling?: number;
}

/** The MeshConfig facts of a revision whose MeshConfig was read. */
export interface MeshConfigFacts {
  enableTracing: boolean;
  rootNamespace: string;
  outboundTrafficPolicy: string;
  discoverySelectors?: unknown[];
  prometheusMerge: boolean;
  /** `extensionProviders` that can trace, in order. */
  tracingProviders: TracingProvider[];
  /** Names of the extension providers that can do something, to tell "not defined" from "cannot trace". */
  providerNames: string[];
  /** `defaultProviders.tracing`. */
  defaultTracingProviders: string[];
  /** `defaultConfig.tracing`; undefined when not written. */
  legacyTracing?: LegacyTracing;
  /**
   * `defaultServiceExportTo` (Services and ServiceEntries), `defaultVirtualServiceExportTo`
   * and `defaultDestinationRuleExportTo`, when written (Istio's default: `*`).
   */
  exportToDefaults: {
    service?: string[];
    virtualService?: string[];
    destinationRule?: string[];
  };
}

/** A MeshConfig list of namespaces as written, when it is one. */
function namespaceList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every(v => typeof v === 'string')
    ? value
    : undefined;
}

/**
 * One control plane revision's MeshConfig: `known` false when the ConfigMaps could not
 * be read or the one found cannot be parsed safely (its facts are then unknown, never
 * Istio's defaults).
 */
export type RevisionMeshConfig = {
  revision: string;
  /** istiod's namespace. */
  namespace: string;
  /** istiod's Istio version, when known. */
  version?: string;
  /** `namespace/name` of the ConfigMap istiod reads. */
  configMap: string;
  /** istiod's `PILOT_TRACE_SAMPLING`, the last fallback of the sampling percentage. */
  pilotTraceSampling?: number;
  /**
   * The injector's `sidecarInjectorWebhook.revisionLabelPrecedence` (ConfigMap
   * `istio-sidecar-injector[-<rev>]`, key `values`), when written: `pod` lets a pod's
   * `istio.io/rev` win over its namespace's.
   */
  revisionLabelPrecedence?: 'namespace' | 'pod';
} & ({ known: false } | ({ known: true } & MeshConfigFacts));

/** The istiod Deployment of a control plane, if listed. */
function istiodOf(
  deployments: readonly V1Deployment[] | undefined,
  cp: Pick<IstioControlPlane, 'namespace' | 'revision'>,
): V1Deployment | undefined {
  return deployments?.find(d => {
    if (d.metadata?.namespace !== cp.namespace) return false;
    const labels = d.metadata?.labels ?? {};
    const app = labels.app ?? d.spec?.template?.metadata?.labels?.app;
    const env = discoveryEnv(d, 'REVISION');
    return (
      app === 'istiod' &&
      (labels[REVISION_LABEL] ?? env ?? 'default') === cp.revision
    );
  });
}

/** An env value of istiod's `discovery` container. */
function discoveryEnv(d: V1Deployment, name: string): string | undefined {
  const containers = d.spec?.template?.spec?.containers ?? [];
  const discovery =
    containers.find(c => c.name === 'discovery') ?? containers[0];
  return discovery?.env?.find(e => e.name === name)?.value;
}

/** The injector's `revisionLabelPrecedence` from its ConfigMap's Helm values, when written. */
function labelPrecedenceOf(
  configMaps: readonly V1ConfigMap[] | undefined,
  cp: Pick<IstioControlPlane, 'namespace' | 'revision'>,
): 'namespace' | 'pod' | undefined {
  const name =
    cp.revision === 'default'
      ? 'istio-sidecar-injector'
      : `istio-sidecar-injector-${cp.revision}`;
  const text = configMaps?.find(
    c => c.metadata?.namespace === cp.namespace && c.metadata?.name === name,
  )?.data?.values;
  if (!text) return undefined;
  try {
    const value =
      JSON.parse(text)?.sidecarInjectorWebhook?.revisionLabelPrecedence;
    return value === 'pod' || value === 'namespace' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether pods' `istio.io/rev` labels win over their namespaces' in this cluster: when
 * every revision's injector says `pod` (each revision's webhooks must agree).
 */
export function podLabelFirst(
  configs: readonly Pick<RevisionMeshConfig, 'revisionLabelPrecedence'>[],
): boolean {
  return (
    configs.length > 0 &&
    configs.every(c => c.revisionLabelPrecedence === 'pod')
  );
}

/** Parses one ConfigMap's `mesh`: `{}` for an empty one, undefined when unsafe or invalid. */
function parseMesh(cm: V1ConfigMap): Mesh | undefined {
  if (!cm.data?.mesh) return {};
  return parseYamlSafely(cm.data.mesh);
}

/**
 * istiod applies its revision's MeshConfig over the shared one (`SHARED_MESH_CONFIG`):
 * fields replace, except `defaultConfig` (merged field by field), `extensionProviders`
 * (merged by name) and `defaultProviders` (merged per kind).
 */
function overlay(shared: Mesh, own: Mesh): Mesh {
  const providers = new Map<string, unknown>();
  for (const list of [shared.extensionProviders, own.extensionProviders])
    if (Array.isArray(list))
      for (const p of list) if (p?.name) providers.set(p.name, p);
  const merged: Mesh = { ...shared, ...own };
  if (shared.defaultConfig || own.defaultConfig)
    merged.defaultConfig = { ...shared.defaultConfig, ...own.defaultConfig };
  if (shared.defaultProviders || own.defaultProviders)
    merged.defaultProviders = {
      ...shared.defaultProviders,
      ...own.defaultProviders,
    };
  if (providers.size) merged.extensionProviders = [...providers.values()];
  return merged;
}

/**
 * The MeshConfig a revision's istiod reads: ConfigMap `istio` (revision `default`) or
 * `istio-<revision>` in its namespace, over the ConfigMap named by istiod's
 * `SHARED_MESH_CONFIG` when set. Without any, istiod runs with Istio's defaults (`{}`).
 * `mesh` is undefined when the ConfigMaps could not be read, and when one cannot be
 * parsed safely (aliases, several documents): then `unreadable` names it.
 */
export function meshConfigOf(
  configMaps: readonly V1ConfigMap[] | undefined,
  namespace: string,
  revision: string,
  sharedName?: string,
): { mesh?: Mesh; unreadable?: string } {
  if (!configMaps) return {};
  const find = (name: string) =>
    configMaps.find(
      c => c.metadata?.namespace === namespace && c.metadata?.name === name,
    );
  const layers: Mesh[] = [];
  for (const name of [sharedName, meshConfigMapName(revision)]) {
    const cm = name ? find(name) : undefined;
    if (!cm) continue;
    const mesh = parseMesh(cm);
    if (!mesh) return { unreadable: `${namespace}/${name}` };
    layers.push(mesh);
  }
  if (layers.length < 2) return { mesh: layers[0] ?? {} };
  return { mesh: overlay(layers[0], layers[1]) };
}

/** `defaultConfig.tracing` as written; undefined when absent. */
function legacyTracingOf(mesh: Mesh): LegacyTracing | undefined {
  const tracing = mesh.defaultConfig?.tracing;
  if (!tracing || typeof tracing !== 'object') return undefined;
  const tracer = Object.keys(tracing).find(
    k =>
      !['sampling', 'custom_tags', 'customTags', 'maxPathTagLength'].includes(
        k,
      ) && tracing[k] !== null,
  );
  const address = tracer ? tracing[tracer]?.address : undefined;
  return {
    ...(tracer ? { tracer } : {}),
    ...(typeof address === 'string' ? { address } : {}),
    ...(typeof tracing.sampling === 'number'
      ? { sampling: tracing.sampling }
      : {}),
  };
}

/** Extension provider kinds that configure an Envoy tracer. */
const TRACING_KINDS = [
  'zipkin',
  'opentelemetry',
  'datadog',
  'skywalking',
  'lightstep',
  'stackdriver',
];

/** The `extensionProviders` that can trace. */
function tracingProvidersOf(mesh: Mesh): TracingProvider[] {
  const list: unknown[] = Array.isArray(mesh.extensionProviders)
    ? mesh.extensionProviders
    : [];
  return list.flatMap(entry => {
    const p = entry as Mesh | null;
    const kind = TRACING_KINDS.find(k => p?.[k] && typeof p[k] === 'object');
    if (!p?.name || !kind) return [];
    const settings = p[kind] as Mesh;
    return [
      {
        name: String(p.name),
        kind,
        ...(typeof settings.service === 'string'
          ? { service: settings.service }
          : {}),
        ...(typeof settings.port === 'number' ? { port: settings.port } : {}),
        ...(kind === 'opentelemetry' && settings.sampling
          ? { customSampler: true }
          : {}),
      },
    ];
  });
}

/** The facts the analysis reads from a parsed MeshConfig, with Istio's defaults. */
export function meshFactsOf(mesh: Mesh): MeshConfigFacts {
  const legacyTracing = legacyTracingOf(mesh);
  const defaults = mesh.defaultProviders?.tracing;
  return {
    enableTracing: mesh.enableTracing !== false,
    rootNamespace:
      typeof mesh.rootNamespace === 'string' && mesh.rootNamespace
        ? mesh.rootNamespace
        : DEFAULT_ROOT_NAMESPACE,
    outboundTrafficPolicy: mesh.outboundTrafficPolicy?.mode ?? 'ALLOW_ANY',
    ...(Array.isArray(mesh.discoverySelectors)
      ? { discoverySelectors: mesh.discoverySelectors }
      : {}),
    prometheusMerge: mesh.enablePrometheusMerge !== false,
    tracingProviders: tracingProvidersOf(mesh),
    providerNames: (Array.isArray(mesh.extensionProviders)
      ? mesh.extensionProviders
      : []
    )
      .map((p: Mesh | null) => p?.name)
      .filter((n: unknown): n is string => typeof n === 'string'),
    defaultTracingProviders: Array.isArray(defaults)
      ? defaults.filter((n: unknown): n is string => typeof n === 'string')
      : [],
    ...(legacyTracing ? { legacyTracing } : {}),
    exportToDefaults: {
      service: namespaceList(mesh.defaultServiceExportTo),
      virtualService: namespaceList(mesh.defaultVirtualServiceExportTo),
      destinationRule: namespaceList(mesh.defaultDestinationRuleExportTo),
    },
  };
}

/**
 * Each control plane's MeshConfig as its istiod reads it. `unreadable` lists the
 * ConfigMaps (`namespace/name`) found but not parsable safely.
 */
export function revisionMeshConfigs(
  controlPlanes: readonly Pick<
    IstioControlPlane,
    'revision' | 'namespace' | 'version'
  >[],
  read: {
    deployments?: readonly V1Deployment[];
    configMaps?: readonly V1ConfigMap[];
  },
): { configs: RevisionMeshConfig[]; unreadable: string[] } {
  const unreadable: string[] = [];
  const configs = controlPlanes.map((cp): RevisionMeshConfig => {
    const istiod = istiodOf(read.deployments, cp);
    const shared = istiod && discoveryEnv(istiod, 'SHARED_MESH_CONFIG');
    const samplingEnv = istiod && discoveryEnv(istiod, 'PILOT_TRACE_SAMPLING');
    const sampling = samplingEnv ? Number(samplingEnv) : NaN;
    const precedence = labelPrecedenceOf(read.configMaps, cp);
    const base = {
      revision: cp.revision,
      namespace: cp.namespace,
      ...(cp.version ? { version: cp.version } : {}),
      configMap: `${cp.namespace}/${meshConfigMapName(cp.revision)}`,
      ...(Number.isFinite(sampling) ? { pilotTraceSampling: sampling } : {}),
      ...(precedence ? { revisionLabelPrecedence: precedence } : {}),
    };
    const { mesh, unreadable: bad } = meshConfigOf(
      read.configMaps,
      cp.namespace,
      cp.revision,
      shared || undefined,
    );
    if (bad && !unreadable.includes(bad)) unreadable.push(bad);
    return mesh
      ? { ...base, known: true, ...meshFactsOf(mesh) }
      : { ...base, known: false };
  });
  return { configs, unreadable };
}
