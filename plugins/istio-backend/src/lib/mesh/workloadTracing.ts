import type {
  IstioTracingSettings,
  IstioWorkloadTracing,
} from '@istio-backstage/plugin-istio-common';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { isSidecarProxy, proxyKindOf } from './dataPlane';
import { podLabelFirst, type RevisionMeshConfig } from './meshConfigs';
import {
  revisionOfPod,
  tagsOfRevision,
  type RevisionChoice,
  type RevisionTag,
} from './revisions';
import { resolveTracing, type SlimTelemetry } from './telemetry';

/** What the effective tracing of workloads rests on (a cluster's kept essentials). */
export interface MeshTracingFacts {
  /** Each control plane revision's MeshConfig. */
  revisions: readonly RevisionMeshConfig[];
  /** Revision tags; undefined when they could not be read. */
  revisionTags?: readonly RevisionTag[];
  /** Every Telemetry, cut; undefined when they could not be read. */
  telemetries?: readonly SlimTelemetry[];
}

/** A workload and its pods, as the answer groups them. */
export interface TracedWorkload {
  name: string;
  namespace: string;
  pods: readonly V1Pod[];
}

/** The effective tracing of workloads, and whether it rests on revision tags that are unknown. */
export interface WorkloadTracingResult {
  tracing: IstioWorkloadTracing[];
  /** True when a revision could not be told because the tags could not be read. */
  needsTags: boolean;
}

/** The revision of a proxied pod; with one control plane only, that one. */
function podRevision(
  pod: V1Pod,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  facts: MeshTracingFacts,
): RevisionChoice {
  const revisions = facts.revisions.map(r => r.revision);
  const choice = revisionOfPod(pod, namespaceLabels, {
    revisions,
    tags: facts.revisionTags,
    podLabelFirst: podLabelFirst(facts.revisions),
  });
  if (choice.revision || revisions.length !== 1 || choice.unknown)
    return choice;
  return {
    revision: revisions[0],
    decidedBy: `the only control plane (${choice.decidedBy})`,
  };
}

/** Two sides' settings are the same (then only one is reported). */
const sameSettings = (a: IstioTracingSettings, b: IstioTracingSettings) =>
  JSON.stringify(a) === JSON.stringify(b);

/** The tracing of one workload's pods that share a revision. */
function tracingOfGroup(
  workload: TracedWorkload,
  pod: V1Pod,
  choice: RevisionChoice,
  facts: MeshTracingFacts,
  services: readonly V1Service[] | undefined,
): IstioWorkloadTracing {
  const head = {
    workload: workload.name,
    ...(choice.revision ? { revision: choice.revision } : {}),
    revisionDecidedBy: choice.decidedBy,
  };
  const config = facts.revisions.find(r => r.revision === choice.revision);
  if (!config) {
    const why = choice.revision
      ? `no istiod of revision ${choice.revision} was found`
      : `its control plane revision is unknown (${choice.decidedBy})`;
    return {
      ...head,
      sendsSpans: 'unknown',
      spanReportingDisabled: false,
      decidedBy: { provider: why },
    };
  }
  const { client, server } = resolveTracing(
    { namespace: workload.namespace, labels: pod.metadata?.labels ?? {} },
    {
      config,
      telemetries: facts.telemetries,
      tags: tagsOfRevision(config.revision, facts.revisionTags),
      services,
    },
  );
  return {
    ...head,
    ...client,
    ...(sameSettings(client, server) ? {} : { server }),
  };
}

/**
 * The effective tracing of each workload's proxies: per workload and control plane
 * revision (a workload half moved to a canary revision has two entries), resolved as
 * istiod does for the workload's namespace and pod labels. Pods without a sidecar or
 * gateway proxy send no spans and are left out. `services` tell whether collectors
 * exist (unknown without them).
 */
export function workloadTracingOf(
  workloads: readonly TracedWorkload[],
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  facts: MeshTracingFacts,
  services?: readonly V1Service[],
): WorkloadTracingResult {
  const tracing: IstioWorkloadTracing[] = [];
  let needsTags = false;
  for (const workload of workloads) {
    const byRevision = new Map<
      string,
      { pod: V1Pod; choice: RevisionChoice }
    >();
    for (const pod of workload.pods) {
      const kind = proxyKindOf(pod);
      if (!isSidecarProxy(kind) && kind !== 'gateway') continue;
      const choice = podRevision(pod, namespaceLabels, facts);
      needsTags ||= Boolean(choice.unknown);
      const key = choice.revision ?? `?${choice.decidedBy}`;
      if (!byRevision.has(key)) byRevision.set(key, { pod, choice });
    }
    for (const { pod, choice } of byRevision.values())
      tracing.push(tracingOfGroup(workload, pod, choice, facts, services));
  }
  // A Telemetry labelled for a revision is read by that revision or one of its tags.
  needsTags ||=
    !facts.revisionTags &&
    Boolean(facts.telemetries?.some(t => t.revision !== undefined));
  return { tracing, needsTags };
}

/** A tracing collector the workloads' proxies send spans to, and which of them need it. */
export interface NeededCollector {
  /** The collector's host: the Service's FQDN when it names a Kubernetes Service, else as configured. */
  host: string;
  /** The Service's namespace, when the host names one. */
  namespace?: string;
  port?: number;
  /** The workloads sending spans there. */
  workloads: string[];
  /** The control plane revision whose configuration sends them there. */
  revision: string;
  /** What chose the collector, e.g. `Telemetry shop/tracing`. */
  decidedBy: string;
  /**
   * `telemetry-api`: istiod points the tracer at the service's mesh cluster, which the
   * proxy must have (a Sidecar must import the collector or spans are dropped);
   * `legacy`: the bootstrap tracer of `defaultConfig.tracing`.
   */
  configuredBy?: 'telemetry-api' | 'legacy';
}

/**
 * The tracing collectors a set of workloads needs, from their effective tracing (both
 * the outbound and the inbound side): one entry per collector and revision, with the
 * workloads that send spans to it. Sides that send no spans (no provider, reporting
 * disabled, tracing off) or whose facts are unknown need none.
 */
export function tracingCollectorsFor(
  tracing: readonly IstioWorkloadTracing[],
): NeededCollector[] {
  const found = new Map<string, NeededCollector>();
  for (const entry of tracing) {
    for (const side of [entry, entry.server]) {
      const collector = side?.collector;
      if (!side || !collector || side.sendsSpans !== 'yes' || !entry.revision)
        continue;
      const service = collector.service;
      const host = service
        ? `${service.name}.${service.namespace}.svc.cluster.local`
        : collector.host;
      const key = `${entry.revision}|${host}|${collector.port}`;
      const needed = found.get(key) ?? {
        host,
        ...(service ? { namespace: service.namespace } : {}),
        ...(collector.port ? { port: collector.port } : {}),
        workloads: [],
        revision: entry.revision,
        decidedBy: side.decidedBy.provider,
        ...(side.configuredBy ? { configuredBy: side.configuredBy } : {}),
      };
      if (!needed.workloads.includes(entry.workload))
        needed.workloads.push(entry.workload);
      found.set(key, needed);
    }
  }
  return [...found.values()];
}

/**
 * The MeshConfigs of the revisions that configure these pods' proxies (sidecars and
 * gateways), each once; empty when none can be told.
 */
export function revisionsServing(
  pods: readonly V1Pod[],
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  facts: MeshTracingFacts,
): RevisionMeshConfig[] {
  const found: RevisionMeshConfig[] = [];
  for (const pod of pods) {
    const kind = proxyKindOf(pod);
    if (!isSidecarProxy(kind) && kind !== 'gateway') continue;
    const { revision } = podRevision(pod, namespaceLabels, facts);
    const config = facts.revisions.find(r => r.revision === revision);
    if (config && !found.includes(config)) found.push(config);
  }
  return found;
}
