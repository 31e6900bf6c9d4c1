import type {
  IstioTracingCollector,
  IstioTracingSettings,
} from '@istio-backstage/plugin-istio-common';
import type { V1Service } from '@kubernetes/client-node';
import { byAge, REVISION_LABEL, selectorMatches } from './dataPlane';
import { compareMinor, parseMinor } from './diagnostics/versions';
import type { IstioObject } from './inventory';
import type { MeshConfigFacts, RevisionMeshConfig } from './meshConfigs';
import { resolveServiceHost, splitHostPort } from './parse';

// Tracing as istiod resolves it for one proxy (pilot's Telemetries.Tracing and
// configureTracingFromTelemetry): the Telemetry API first, then MeshConfig
// `defaultProviders.tracing`, and only when neither says anything, the legacy tracer of
// MeshConfig `defaultConfig.tracing`.

/** One `spec.tracing[]` entry of a Telemetry, cut to what decides where spans go. */
export interface TelemetryTracing {
  /** `providers[].name`; istiod uses the first. */
  providers?: string[];
  randomSamplingPercentage?: number;
  disableSpanReporting?: boolean;
  /** Replaced as a whole by a more specific level, not merged per tag. */
  customTags?: Record<string, unknown>;
  /** `match.mode`: the entry applies to the outbound (`CLIENT`) or inbound (`SERVER`) side only. */
  mode?: 'CLIENT' | 'SERVER' | 'CLIENT_AND_SERVER';
}

/** A Telemetry resource, cut to what decides tracing (plain JSON, kept between requests). */
export interface SlimTelemetry {
  namespace: string;
  name: string;
  /** istiod applies Telemetries oldest first (then by name): later ones override. */
  creationTimestamp?: string;
  /** Its `istio.io/rev` label: only that revision (or a revision that tag points to) reads it. */
  revision?: string;
  /** `selector.matchLabels`; absent or empty: none. */
  selector?: Record<string, string>;
  /** `targetRefs` (and the older `targetRef`). */
  targetRefs?: Array<{
    group?: string;
    kind: string;
    name: string;
    namespace?: string;
  }>;
  /** `spec.tracing`; absent when the Telemetry configures no tracing. */
  tracing?: TelemetryTracing[];
}

type Json = Record<string, any>;

/** One tracing entry, cut. */
function slimTracing(entry: Json): TelemetryTracing {
  const providers = Array.isArray(entry.providers)
    ? entry.providers
        .map((p: Json | null) => p?.name)
        .filter((n: unknown): n is string => typeof n === 'string')
    : undefined;
  const mode = entry.match?.mode;
  return {
    ...(providers?.length ? { providers } : {}),
    ...(typeof entry.randomSamplingPercentage === 'number'
      ? { randomSamplingPercentage: entry.randomSamplingPercentage }
      : {}),
    ...(typeof entry.disableSpanReporting === 'boolean'
      ? { disableSpanReporting: entry.disableSpanReporting }
      : {}),
    ...(entry.customTags && typeof entry.customTags === 'object'
      ? { customTags: entry.customTags }
      : {}),
    ...(mode === 'CLIENT' || mode === 'SERVER' || mode === 'CLIENT_AND_SERVER'
      ? { mode }
      : {}),
  };
}

/** A Telemetry as read from the cluster, cut to what decides tracing. */
export function slimTelemetry(object: IstioObject): SlimTelemetry {
  const spec = (object.spec ?? {}) as Json;
  const matchLabels = spec.selector?.matchLabels;
  let refs: Json[] = spec.targetRef ? [spec.targetRef] : [];
  if (Array.isArray(spec.targetRefs) && spec.targetRefs.length)
    refs = spec.targetRefs;
  const revision = object.metadata.labels?.[REVISION_LABEL];
  return {
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
    ...(object.metadata.creationTimestamp
      ? { creationTimestamp: object.metadata.creationTimestamp }
      : {}),
    ...(revision ? { revision } : {}),
    ...(matchLabels && Object.keys(matchLabels).length
      ? { selector: { ...matchLabels } }
      : {}),
    ...(refs.length
      ? {
          targetRefs: refs.map(r => ({
            ...(r.group !== undefined ? { group: String(r.group) } : {}),
            kind: String(r.kind ?? ''),
            name: String(r.name ?? ''),
            ...(r.namespace ? { namespace: String(r.namespace) } : {}),
          })),
        }
      : {}),
    ...(Array.isArray(spec.tracing)
      ? { tracing: spec.tracing.map((e: Json) => slimTracing(e ?? {})) }
      : {}),
  };
}

/** The workload whose tracing is resolved: its namespace and pod labels. */
export interface TracingWorkload {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

/** What a resolution reads: the revision's MeshConfig, the Telemetries, the Services. */
export interface TracingContext {
  config: RevisionMeshConfig;
  /** Every Telemetry of the cluster; undefined when they could not be read. */
  telemetries?: readonly SlimTelemetry[];
  /** The revision's tags, for Telemetries labelled `istio.io/rev=<tag>`. */
  tags?: readonly string[];
  /** The cluster's Services, to tell whether a collector exists; unknown when absent. */
  services?: readonly V1Service[];
}

/** The tracing of the outbound (client, and gateways) and inbound (server) sides. */
export interface ResolvedTracing {
  client: IstioTracingSettings;
  server: IstioTracingSettings;
}

/** Pod label of Gateway API gateway deployments: the only pods `targetRefs` attach to (besides waypoints). */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** `Telemetry ns/name`, how decisions name a Telemetry. */
const named = (t: SlimTelemetry) => `Telemetry ${t.namespace}/${t.name}`;

/** Whether the revision reads a Telemetry (its `istio.io/rev` label, when it has one). */
function readBy(
  t: SlimTelemetry,
  revision: string,
  tags: readonly string[] | undefined,
): boolean {
  return (
    t.revision === undefined ||
    t.revision === revision ||
    Boolean(tags?.includes(t.revision))
  );
}

/**
 * Whether a workload-level Telemetry (one with a selector or targetRefs, in the
 * workload's namespace) attaches to the workload, as istiod's policy matcher decides:
 * for a sidecar (no `gateway.networking.k8s.io/gateway-name` label) `targetRefs` never
 * select it — such a Telemetry is ignored — and `selector.matchLabels` must be a subset
 * of the pod labels; a Gateway API gateway is selected by a `targetRefs` entry of kind
 * `Gateway` naming it (or, without targetRefs, by the selector). Service and
 * ServiceEntry targetRefs select waypoints only, which are not modelled here.
 */
function attaches(t: SlimTelemetry, workload: TracingWorkload): boolean {
  const gatewayName = workload.labels[GATEWAY_NAME_LABEL];
  if (t.targetRefs?.length) {
    if (gatewayName === undefined) return false;
    return t.targetRefs.some(
      ref =>
        ref.kind === 'Gateway' &&
        (ref.group ?? 'gateway.networking.k8s.io') ===
          'gateway.networking.k8s.io' &&
        ref.name === gatewayName &&
        (!ref.namespace || ref.namespace === workload.namespace),
    );
  }
  return selectorMatches(t.selector ?? {}, workload.labels);
}

/**
 * The Telemetries that apply to a workload, least specific first: the selector-less
 * one of the root namespace, the selector-less one of the workload's namespace (unless
 * that is the root namespace), then every workload-level one of its namespace that
 * attaches, oldest first. Where a level has several selector-less Telemetries, istiod
 * takes the oldest. Without a workload: the root namespace's only (mesh-wide).
 */
export function applicableTelemetries(
  workload: TracingWorkload | undefined,
  rootNamespace: string,
  visible: readonly SlimTelemetry[],
): SlimTelemetry[] {
  const sorted = [...visible].sort(byAge);
  const wide = (ns: string) =>
    sorted.find(
      t => t.namespace === ns && !t.selector && !t.targetRefs?.length,
    );
  const found: SlimTelemetry[] = [];
  const root = wide(rootNamespace);
  if (root) found.push(root);
  if (!workload) return found;
  if (workload.namespace !== rootNamespace) {
    const namespaceWide = wide(workload.namespace);
    if (namespaceWide) found.push(namespaceWide);
  }
  for (const t of sorted)
    if (
      t.namespace === workload.namespace &&
      (t.selector || t.targetRefs?.length) &&
      attaches(t, workload)
    )
      found.push(t);
  return found;
}

/** One side's merged Telemetry settings and where each came from. */
interface Side {
  provider?: { name: string; from: string };
  disabled?: { value: boolean; from: string };
  sampling?: { value: number; from: string };
}

/**
 * Merges the applicable Telemetries' tracing entries as istiod does, per side: the
 * first name of a non-empty `providers` replaces the provider (which starts as the
 * first of `defaultProviders.tracing`), and `disableSpanReporting`,
 * `randomSamplingPercentage` (and `customTags`, as a whole) replace what a less
 * specific level set.
 */
function mergeSides(
  telemetries: readonly SlimTelemetry[],
  config: MeshConfigFacts & { revision: string },
): { client: Side; server: Side } {
  const start: Side = {};
  const first = config.defaultTracingProviders[0];
  if (first)
    start.provider = {
      name: first,
      from: `MeshConfig defaultProviders.tracing (revision ${config.revision})`,
    };
  const client: Side = { ...start };
  const server: Side = { ...start };
  for (const t of telemetries)
    for (const entry of t.tracing ?? []) {
      let sides = [client, server];
      if (entry.mode === 'CLIENT') sides = [client];
      if (entry.mode === 'SERVER') sides = [server];
      const from = named(t);
      for (const side of sides) {
        if (entry.providers?.length)
          side.provider = { name: entry.providers[0], from };
        if (entry.disableSpanReporting !== undefined)
          side.disabled = { value: entry.disableSpanReporting, from };
        if (entry.randomSamplingPercentage !== undefined)
          side.sampling = { value: entry.randomSamplingPercentage, from };
      }
    }
  return { client, server };
}

/**
 * The percentage istiod falls back to (proxyConfigSamplingValue): MeshConfig
 * `defaultConfig.tracing.sampling` unless 0 (over 100 counts as 1), else istiod's
 * `PILOT_TRACE_SAMPLING` (default 1).
 */
function proxyConfigSampling(config: RevisionMeshConfig & { known: true }): {
  value: number;
  from: string;
} {
  const revision = `(revision ${config.revision})`;
  const written = config.legacyTracing?.sampling;
  if (written !== undefined && written !== 0)
    return written > 100
      ? {
          value: 1,
          from: `MeshConfig defaultConfig.tracing.sampling ${written} is over 100, which Istio replaces with 1 ${revision}`,
        }
      : {
          value: written,
          from: `MeshConfig defaultConfig.tracing.sampling ${revision}`,
        };
  const env = config.pilotTraceSampling;
  if (env !== undefined && env >= 0 && env <= 100)
    return { value: env, from: `istiod env PILOT_TRACE_SAMPLING ${revision}` };
  return { value: 1, from: `Istio's default of 1 % ${revision}` };
}

/** A collector address as the tracing settings report it. */
function collectorOf(
  host: string,
  port: number | undefined,
  defaultNamespace: string,
  services: readonly V1Service[] | undefined,
): IstioTracingCollector {
  const resolved = resolveServiceHost(
    host,
    port,
    services as V1Service[] | undefined,
    defaultNamespace,
  );
  return {
    host,
    port: port ?? 0,
    ...(resolved.service ? { service: resolved.service } : {}),
    exists: resolved.exists,
  };
}

/** Settings for one side that sends nothing. */
const silent = (
  provider: string,
  configuredBy: IstioTracingSettings['configuredBy'],
  disabled = false,
): IstioTracingSettings => ({
  sendsSpans: 'no',
  spanReportingDisabled: disabled,
  ...(configuredBy ? { configuredBy } : {}),
  decidedBy: { provider },
});

/** One side's settings on the Telemetry API path. */
function telemetrySide(
  side: Side,
  config: RevisionMeshConfig & { known: true },
  services: readonly V1Service[] | undefined,
): IstioTracingSettings {
  const revision = `(revision ${config.revision})`;
  const disabled = side.disabled?.value ?? false;
  if (!side.provider)
    return silent(
      `no provider: no applicable Telemetry names one and MeshConfig defaultProviders.tracing is empty ${revision}`,
      'telemetry-api',
      disabled,
    );
  const { name, from } = side.provider;
  const lower = name.toLowerCase();
  const provider = config.tracingProviders.find(
    p => p.name.toLowerCase() === lower,
  );
  if (!provider) {
    const defined = config.providerNames.some(n => n.toLowerCase() === lower);
    const settings = silent(
      `${from} names provider '${name}', which the MeshConfig of revision ${
        config.revision
      } ${defined ? 'defines without a tracer' : 'does not define'}`,
      'telemetry-api',
      disabled,
    );
    return { ...settings, providerName: name };
  }
  const [namespaceHint, host] = provider.service?.includes('/')
    ? provider.service.split('/', 2)
    : [config.rootNamespace, provider.service];
  const sampling = provider.customSampler
    ? { value: 100, from: `the sampler of extension provider '${name}'` }
    : side.sampling ?? proxyConfigSampling(config);
  return {
    sendsSpans: disabled ? 'no' : 'yes',
    provider: provider.kind,
    providerName: provider.name,
    ...(host
      ? { collector: collectorOf(host, provider.port, namespaceHint, services) }
      : {}),
    samplingPercent: sampling.value,
    spanReportingDisabled: disabled,
    configuredBy: 'telemetry-api',
    decidedBy: {
      provider: disabled
        ? `${from}; ${side.disabled!.from} disables span reporting`
        : from,
      sampling: sampling.from,
    },
  };
}

/** The legacy tracer and its source: written, Istio's pre-1.22 default, none, or unknown. */
function legacyTracer(config: RevisionMeshConfig & { known: true }): {
  tracer?: string;
  address?: string;
  from: string;
  unknown?: true;
} {
  const revision = `(revision ${config.revision})`;
  const written = config.legacyTracing;
  if (written)
    return written.tracer
      ? { ...written, from: `MeshConfig defaultConfig.tracing ${revision}` }
      : {
          from: `MeshConfig defaultConfig.tracing names no tracer ${revision}`,
        };
  const minor = parseMinor(config.version);
  if (!minor)
    return {
      from: `MeshConfig writes no defaultConfig.tracing and istiod's version is unknown: before Istio 1.22 spans went to zipkin.istio-system:9411, since then nowhere ${revision}`,
      unknown: true,
    };
  return compareMinor(minor, [1, 22]) < 0
    ? {
        tracer: 'zipkin',
        address: 'zipkin.istio-system:9411',
        from: `Istio's implicit Zipkin default before 1.22 (zipkin.istio-system:9411) ${revision}`,
      }
    : {
        from: `no tracer: MeshConfig writes no defaultConfig.tracing and Istio 1.22 removed the implicit Zipkin default ${revision}`,
      };
}

/**
 * Settings when no Telemetry tracing applies and there are no default providers: the
 * bootstrap tracer of `defaultConfig.tracing`, used only while `enableTracing` is on.
 */
function legacySettings(
  config: RevisionMeshConfig & { known: true },
  namespace: string,
  services: readonly V1Service[] | undefined,
): IstioTracingSettings {
  const off = config.enableTracing
    ? undefined
    : `MeshConfig enableTracing: false (revision ${config.revision})`;
  const tracer = legacyTracer(config);
  if (off && !tracer.tracer) return silent(off, 'legacy');
  if (tracer.unknown)
    return {
      sendsSpans: 'unknown',
      spanReportingDisabled: false,
      configuredBy: 'legacy',
      decidedBy: { provider: tracer.from },
    };
  if (!tracer.tracer) return silent(tracer.from, 'legacy');
  const address = splitHostPort(tracer.address);
  const sampling = proxyConfigSampling(config);
  return {
    sendsSpans: off ? 'no' : 'yes',
    provider: tracer.tracer,
    // A short host resolves through the pod's DNS search path: its own namespace first.
    ...(address
      ? {
          collector: collectorOf(
            address.host,
            address.port,
            namespace,
            services,
          ),
        }
      : {}),
    samplingPercent: sampling.value,
    spanReportingDisabled: false,
    configuredBy: 'legacy',
    decidedBy: {
      provider: off ? `${off}; tracer from ${tracer.from}` : tracer.from,
      sampling: sampling.from,
    },
  };
}

/**
 * The tracing of a workload's proxies (or, without a workload, the revision's mesh-wide
 * tracing: the root namespace's Telemetry and MeshConfig only), as istiod resolves it:
 * the applicable Telemetries merged per field over `defaultProviders.tracing`; with
 * neither, the legacy `defaultConfig.tracing` tracer (Istio ≥ 1.22 has no implicit
 * Zipkin default). A provider name MeshConfig does not define, or no provider at all
 * once the Telemetry API applies, sends no spans.
 */
export function resolveTracing(
  workload: TracingWorkload | undefined,
  context: TracingContext,
): ResolvedTracing {
  const { config } = context;
  const unknown = (provider: string): ResolvedTracing => {
    const settings: IstioTracingSettings = {
      sendsSpans: 'unknown',
      spanReportingDisabled: false,
      decidedBy: { provider },
    };
    return { client: settings, server: settings };
  };
  if (!config.known)
    return unknown(
      `the MeshConfig of revision ${config.revision} (ConfigMap ${config.configMap}) could not be read`,
    );
  if (!context.telemetries)
    return unknown('the Telemetry resources could not be read');
  const visible = context.telemetries.filter(t =>
    readBy(t, config.revision, context.tags),
  );
  const applied = applicableTelemetries(
    workload,
    config.rootNamespace,
    visible,
  ).filter(t => t.tracing?.length);
  const namespace = workload?.namespace ?? config.rootNamespace;
  if (applied.length === 0 && config.defaultTracingProviders.length === 0) {
    const legacy = legacySettings(config, namespace, context.services);
    return { client: legacy, server: legacy };
  }
  const sides = mergeSides(applied, config);
  return {
    client: telemetrySide(sides.client, config, context.services),
    server: telemetrySide(sides.server, config, context.services),
  };
}
