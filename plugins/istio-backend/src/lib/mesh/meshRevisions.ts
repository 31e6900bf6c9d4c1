import type {
  IstioControlPlane,
  IstioRevisionConfig,
  IstioTracing,
  Tristate,
} from '@istio-backstage/plugin-istio-common';
import type { MeshInventory } from './inventory';
import {
  podLabelFirst,
  revisionMeshConfigs,
  type RevisionMeshConfig,
} from './meshConfigs';
import { revisionOfNamespace, tagsOfRevision } from './revisions';
import {
  resolveTracing,
  slimTelemetry,
  type ResolvedTracing,
  type SlimTelemetry,
} from './telemetry';

/** One control plane revision with its MeshConfig, tags and mesh-wide tracing. */
export interface MeshRevision {
  controlPlane: IstioControlPlane;
  config: RevisionMeshConfig;
  /** Tags pointing at it; undefined when the tags could not be read. */
  tags?: string[];
  /** Its mesh-wide tracing (root namespace Telemetry and MeshConfig), outbound side. */
  tracing: IstioTracing;
}

/** The revisions of a read, and the MeshConfig ConfigMaps that could not be parsed. */
export interface MeshRevisions {
  revisions: MeshRevision[];
  unreadable: string[];
}

/** What a kept {@link meshRevisions} was computed from: reused only while all of it is the same. */
const inputsOf = (
  inventory: MeshInventory,
  controlPlanes: readonly IstioControlPlane[],
) => [
  controlPlanes,
  inventory.deployments,
  inventory.configMaps,
  inventory.telemetries,
  inventory.services,
  inventory.revisionTags,
];

const cache = new WeakMap<
  MeshInventory,
  { inputs: unknown[]; value: MeshRevisions }
>();

/** The Telemetries of a read, cut; undefined when they could not be read. */
export function slimTelemetriesOf(
  inventory: Pick<MeshInventory, 'telemetries'>,
): SlimTelemetry[] | undefined {
  return inventory.telemetries?.map(slimTelemetry);
}

/** The summary of a revision's mesh-wide tracing, as the mesh-config answer reports it. */
export function tracingSummary(
  config: RevisionMeshConfig,
  resolved: ResolvedTracing,
): IstioTracing {
  if (!config.known) return { enabled: 'unknown', configuredIn: 'unknown' };
  const s = resolved.client;
  let configuredIn: IstioTracing['configuredIn'] = 'unknown';
  if (s.configuredBy === 'telemetry-api')
    configuredIn = 'extensionProviders+Telemetry';
  else if (s.configuredBy === 'legacy' && s.provider)
    configuredIn = 'meshConfig.defaultConfig.tracing';
  else if (s.configuredBy === 'legacy' && s.sendsSpans !== 'unknown')
    configuredIn = 'none';
  return {
    enabled: config.enableTracing ? 'yes' : 'no',
    ...(s.samplingPercent !== undefined
      ? { samplingPercent: s.samplingPercent }
      : {}),
    configuredIn,
    ...(s.provider ? { provider: s.provider } : {}),
    ...(s.providerName ? { providerName: s.providerName } : {}),
    ...(s.collector ? { collector: s.collector } : {}),
    ...(s.spanReportingDisabled ? { spanReportingDisabled: true } : {}),
    decidedBy: s.decidedBy,
  };
}

/**
 * Each control plane revision of a read: its MeshConfig as its istiod reads it, the
 * tags pointing at it and its mesh-wide tracing (collectors checked against the read's
 * Services). One way for the mesh model and every diagnostic (computed once per read).
 */
export function meshRevisions(
  inventory: MeshInventory,
  controlPlanes: readonly IstioControlPlane[],
): MeshRevisions {
  const inputs = inputsOf(inventory, controlPlanes);
  const kept = cache.get(inventory);
  if (kept && kept.inputs.every((input, i) => input === inputs[i]))
    return kept.value;
  const { configs, unreadable } = revisionMeshConfigs(controlPlanes, inventory);
  const telemetries = slimTelemetriesOf(inventory);
  const revisions = configs.map((config, i): MeshRevision => {
    const tags = tagsOfRevision(config.revision, inventory.revisionTags);
    const resolved = resolveTracing(undefined, {
      config,
      telemetries,
      tags,
      services: inventory.services,
    });
    return {
      controlPlane: controlPlanes[i],
      config,
      ...(tags ? { tags } : {}),
      tracing: tracingSummary(config, resolved),
    };
  });
  const value = { revisions, unreadable };
  cache.set(inventory, { inputs, value });
  return value;
}

/**
 * The namespaces each revision injects new pods into; undefined when the namespaces
 * could not be read, or when a namespace's revision cannot be told (tags unknown).
 */
function namespacesByRevision(
  inventory: MeshInventory,
  configs: readonly RevisionMeshConfig[],
): Map<string, string[]> | undefined {
  if (!inventory.namespaces) return undefined;
  const facts = {
    revisions: configs.map(c => c.revision),
    tags: inventory.revisionTags,
    podLabelFirst: podLabelFirst(configs),
  };
  const byRevision = new Map<string, string[]>();
  for (const ns of inventory.namespaces) {
    const choice = revisionOfNamespace(ns.metadata?.labels, facts);
    if (choice.unknown) return undefined;
    if (!choice.revision) continue;
    const list = byRevision.get(choice.revision) ?? [];
    list.push(ns.metadata?.name ?? '');
    byRevision.set(choice.revision, list);
  }
  return byRevision;
}

function tristate(value: boolean | undefined): Tristate {
  if (value === undefined) return 'unknown';
  return value ? 'yes' : 'no';
}

/** The per-revision view of the mesh-config answer. */
export function revisionViews(
  inventory: MeshInventory,
  controlPlanes: readonly IstioControlPlane[],
): IstioRevisionConfig[] {
  const { revisions } = meshRevisions(inventory, controlPlanes);
  const namespaces = namespacesByRevision(
    inventory,
    revisions.map(r => r.config),
  );
  return revisions.map(({ config, tags, tracing }) => ({
    revision: config.revision,
    namespace: config.namespace,
    ...(tags ? { tags } : {}),
    ...(namespaces
      ? { namespaces: (namespaces.get(config.revision) ?? []).sort() }
      : {}),
    tracing,
    ...(config.known
      ? {
          outboundTrafficPolicy: config.outboundTrafficPolicy,
          ...(config.discoverySelectors
            ? { discoverySelectors: config.discoverySelectors }
            : {}),
          rootNamespace: config.rootNamespace,
        }
      : {}),
    prometheusMerge: tristate(
      config.known ? config.prometheusMerge : undefined,
    ),
  }));
}

/** The `default` revision, else the first: whose facts the answer's top-level fields keep. */
export function primaryRevision<T extends { config: { revision: string } }>(
  revisions: readonly T[],
): T | undefined {
  return revisions.find(r => r.config.revision === 'default') ?? revisions[0];
}

/**
 * The collector Services a namespace's proxies send spans to (namespace-level tracing:
 * root and namespace Telemetry, then MeshConfig) for the revision its labels pick, or
 * for every revision when that cannot be told.
 */
export function namespaceCollectors(
  inventory: MeshInventory,
  controlPlanes: readonly IstioControlPlane[],
  namespace: string,
): Array<{ namespace: string; name: string }> {
  const { revisions } = meshRevisions(inventory, controlPlanes);
  const labels = inventory.namespaces?.find(n => n.metadata?.name === namespace)
    ?.metadata?.labels;
  const choice = inventory.namespaces
    ? revisionOfNamespace(labels, {
        revisions: revisions.map(r => r.config.revision),
        tags: inventory.revisionTags,
        podLabelFirst: podLabelFirst(revisions.map(r => r.config)),
      })
    : undefined;
  const serving = choice?.revision
    ? revisions.filter(r => r.config.revision === choice.revision)
    : revisions;
  const telemetries = slimTelemetriesOf(inventory);
  const found = new Map<string, { namespace: string; name: string }>();
  for (const r of serving) {
    const { client, server } = resolveTracing(
      { namespace, labels: {} },
      {
        config: r.config,
        telemetries,
        tags: r.tags,
        services: inventory.services,
      },
    );
    for (const side of [client, server]) {
      const service = side.collector?.service;
      if (service && side.sendsSpans === 'yes')
        found.set(`${service.namespace}/${service.name}`, service);
    }
  }
  return [...found.values()];
}
