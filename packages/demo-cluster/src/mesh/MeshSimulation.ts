import yaml from 'yaml';
import type { PodRuntime } from '../scenario/buildObjects';
import { controlPlanesOf, meshConfigMapName } from '../scenario/controlPlanes';
import type { Scenario, ScenarioTraffic } from '../scenario/types';
import type { ObjectStore } from '../store/ObjectStore';
import { RESOURCE_TYPES, type ResourceType } from '../store/resources';
import type { KubeObject } from '../store/types';
import {
  ALLOCATED_FRACTION,
  HEAP_FRACTION,
  ProxyMemory,
  targetProxyMemory,
} from './memoryModel';
import {
  clusterCount,
  listenerCount,
  sidecarInForce,
  visibleServices,
  type MeshService,
  type MeshView,
} from './visibility';

const type = (plural: string) => RESOURCE_TYPES.find(t => t.plural === plural)!;

/** What istiod sends one proxy: its visible services (by host), sizes and outbound policy. */
interface ProxyConfig {
  visibleHosts: Map<string, MeshService>;
  clusters: number;
  listeners: number;
  /** `ALLOW_ANY` or `REGISTRY_ONLY`: the Sidecar's, else its revision's MeshConfig's. */
  outboundMode: string;
}

interface ProxyState extends ProxyConfig {
  pod: PodRuntime;
  labels: Record<string, string>;
  memory: ProxyMemory;
}

/** The parts of a revision's MeshConfig the simulation follows. */
interface RevisionMesh {
  outboundMode: string;
  /** Namespaces its istiod watches (discoverySelectors); undefined = all. */
  discovered?: Set<string>;
}

interface Edge {
  source: PodRuntime;
  sourceHasProxy: boolean;
  /** Destination service, or undefined for an external ServiceEntry host. */
  service?: { namespace: string; name: string; host: string };
  externalHost?: string;
  rps: number;
  protocol: 'http' | 'tcp';
  errorRate: number;
  destinationPods: PodRuntime[];
}

/** Label set of one counter series, serialised as its key. */
type SeriesKey = string;

/**
 * The live mesh: proxies' visible config and memory, and the traffic counters, kept in
 * step with the objects in the store (applying a Sidecar changes what proxies see).
 */
export class MeshSimulation {
  private readonly proxies = new Map<string, ProxyState>();
  private readonly pods: PodRuntime[];
  private readonly edges: Edge[] = [];
  private readonly counters = new Map<
    SeriesKey,
    { metric: string; labels: Record<string, string>; value: number }
  >();
  private view!: MeshView;
  private readonly configCache = new Map<string, ProxyConfig>();
  /** MeshConfig per revision, the default control plane's first. */
  private readonly revisionMesh = new Map<string, RevisionMesh>();
  private readonly revisions: string[];
  private lastTick: number;
  private readonly rootNamespace: string;

  constructor(
    private readonly store: ObjectStore,
    private readonly scenario: Scenario,
    pods: PodRuntime[],
    private readonly clock: () => number = Date.now,
  ) {
    this.pods = pods;
    this.rootNamespace = scenario.istio.namespace ?? 'istio-system';
    this.revisions = controlPlanesOf(scenario).map(p => p.revision);
    this.lastTick = clock();
    this.refreshView();
    const now = clock();
    for (const pod of pods.filter(p => p.hasProxy)) {
      const labels =
        store.get(type('pods'), pod.namespace, pod.name)?.metadata.labels ?? {};
      const state = this.computeProxy(pod, labels);
      this.proxies.set(`${pod.namespace}/${pod.name}`, {
        ...state,
        pod,
        labels,
        memory: new ProxyMemory(
          targetProxyMemory(pod.name, state.clusters),
          now,
          scenario.memoryConvergenceSeconds ?? 0,
        ),
      });
    }
    this.buildEdges();
    store.subscribe((_event, t) => this.onChange(t));
  }

  private onChange(t: ResourceType) {
    if (
      ![
        'sidecars',
        'services',
        'serviceentries',
        'namespaces',
        'configmaps',
      ].includes(t.plural)
    )
      return;
    this.tick();
    this.refreshView();
    const now = this.clock();
    for (const proxy of this.proxies.values()) {
      const next = this.computeProxy(proxy.pod, proxy.labels);
      proxy.visibleHosts = next.visibleHosts;
      proxy.clusters = next.clusters;
      proxy.listeners = next.listeners;
      proxy.outboundMode = next.outboundMode;
      proxy.memory.setTarget(
        targetProxyMemory(proxy.pod.name, next.clusters),
        now,
      );
    }
  }

  private refreshView() {
    this.configCache.clear();
    const services: MeshService[] = this.store.list(type('services')).map(s => {
      const exportAnnotation =
        s.metadata.annotations?.['networking.istio.io/exportTo'];
      return {
        namespace: s.metadata.namespace!,
        name: s.metadata.name,
        host: `${s.metadata.name}.${s.metadata.namespace}.svc.cluster.local`,
        ports: (
          (s.spec as { ports?: Array<{ port: number }> }).ports ?? []
        ).map(p => p.port),
        exportTo: exportAnnotation
          ? exportAnnotation.split(',').map(e => e.trim())
          : ['*'],
        serviceEntry: false,
      };
    });
    for (const se of this.store.list(type('serviceentries'))) {
      const spec = se.spec as {
        hosts?: string[];
        ports?: Array<{ number: number }>;
        exportTo?: string[];
      };
      for (const host of spec.hosts ?? []) {
        services.push({
          namespace: se.metadata.namespace!,
          name: se.metadata.name,
          host,
          ports: (spec.ports ?? []).map(p => p.number),
          exportTo: spec.exportTo ?? ['*'],
          serviceEntry: true,
        });
      }
    }
    this.revisionMesh.clear();
    for (const revision of this.revisions)
      this.revisionMesh.set(revision, this.readRevisionMesh(revision));
    this.view = {
      services,
      sidecars: this.store.list(type('sidecars')),
      rootNamespace: this.rootNamespace,
      discovered: this.revisionMesh.get(this.revisions[0])!.discovered,
    };
  }

  /** A revision's outbound policy and discoverySelectors, from its MeshConfig ConfigMap. */
  private readRevisionMesh(revision: string): RevisionMesh {
    const meshText = this.store.get(
      type('configmaps'),
      this.rootNamespace,
      meshConfigMapName(revision),
    )?.data as { mesh?: string } | undefined;
    const mesh = (meshText?.mesh ? yaml.parse(meshText.mesh) : {}) ?? {};
    const selectors = mesh.discoverySelectors as
      | Array<{ matchLabels?: Record<string, string> }>
      | undefined;
    if (!selectors || selectors.length === 0)
      return { outboundMode: mesh.outboundTrafficPolicy?.mode ?? 'ALLOW_ANY' };
    const discovered = new Set(
      this.store
        .list(type('namespaces'))
        .filter(ns =>
          selectors.some(sel =>
            Object.entries(sel.matchLabels ?? {}).every(
              ([k, v]) => ns.metadata.labels?.[k] === v,
            ),
          ),
        )
        .map(ns => ns.metadata.name),
    );
    return {
      outboundMode: mesh.outboundTrafficPolicy?.mode ?? 'ALLOW_ANY',
      discovered,
    };
  }

  private computeProxy(
    pod: PodRuntime,
    labels: Record<string, string>,
  ): ProxyConfig {
    // Proxies in one namespace under the same Sidecar and revision get the same config:
    // compute it once per (namespace, Sidecar, revision) so large meshes stay fast.
    const revision =
      pod.revision && this.revisionMesh.has(pod.revision)
        ? pod.revision
        : this.revisions[0];
    const mesh = this.revisionMesh.get(revision)!;
    const view = { ...this.view, discovered: mesh.discovered };
    const sidecar = pod.isGateway
      ? undefined
      : sidecarInForce(view, pod.namespace, labels);
    const key = `${pod.namespace}|${pod.isGateway}|${
      sidecar?.metadata.uid ?? ''
    }|${revision}`;
    const cached = this.configCache.get(key);
    if (cached) return cached;
    const visible = visibleServices(view, {
      namespace: pod.namespace,
      labels,
      isGateway: pod.isGateway,
    });
    const visibleHosts = new Map<string, MeshService>();
    for (const service of visible) {
      // A host defined in several namespaces: the proxy's own namespace wins.
      if (
        !visibleHosts.has(service.host) ||
        service.namespace === pod.namespace
      )
        visibleHosts.set(service.host, service);
    }
    const sidecarMode = (
      sidecar?.spec as { outboundTrafficPolicy?: { mode?: string } } | undefined
    )?.outboundTrafficPolicy?.mode;
    const config = {
      visibleHosts,
      clusters: clusterCount(visible),
      listeners: listenerCount(visible),
      outboundMode: sidecarMode ?? mesh.outboundMode,
    };
    this.configCache.set(key, config);
    return config;
  }

  private buildEdges() {
    const traffic: ScenarioTraffic[] = [...(this.scenario.traffic ?? [])];
    const filler = this.scenario.filler;
    if (filler && filler.namespaces > 0 && (filler.rps ?? 0) > 0) {
      for (let n = 0; n < filler.namespaces; n++) {
        const ns = `team-${String(n + 1).padStart(3, '0')}`;
        for (let s = 1; s < filler.servicesPerNamespace; s++) {
          traffic.push({
            from: `${ns}/svc-${String(s).padStart(2, '0')}-v1`,
            to: `${ns}/svc-${String(s + 1).padStart(2, '0')}`,
            rps: filler.rps!,
          });
        }
      }
    }
    for (const t of traffic) {
      const [fromNs, fromWorkload] = t.from.split('/');
      const sources = this.pods.filter(
        p => p.namespace === fromNs && p.workload === fromWorkload,
      );
      if (sources.length === 0)
        throw new Error(`traffic source ${t.from} has no pods`);
      const [toNs, toName] = t.to.split('/');
      let service: Edge['service'];
      let destinationPods: PodRuntime[] = [];
      if (toNs === 'external') {
        destinationPods = [];
      } else {
        const svc = this.store.get(type('services'), toNs, toName);
        if (!svc)
          throw new Error(`traffic destination ${t.to} is not a Service`);
        service = {
          namespace: toNs,
          name: toName,
          host: `${toName}.${toNs}.svc.cluster.local`,
        };
        const selector =
          (svc.spec as { selector?: Record<string, string> }).selector ?? {};
        destinationPods = this.pods.filter(p => {
          if (p.namespace !== toNs) return false;
          const labels =
            this.store.get(type('pods'), p.namespace, p.name)?.metadata
              .labels ?? {};
          return Object.entries(selector).every(([k, v]) => labels[k] === v);
        });
      }
      for (const source of sources) {
        this.edges.push({
          source,
          sourceHasProxy: source.hasProxy,
          service,
          externalHost: toNs === 'external' ? toName : undefined,
          rps: t.rps / sources.length,
          protocol: t.protocol ?? 'http',
          errorRate: t.errorRate ?? 0,
          destinationPods,
        });
      }
    }
  }

  private add(metric: string, labels: Record<string, string>, amount: number) {
    const key = `${metric}${JSON.stringify(labels)}`;
    const existing = this.counters.get(key);
    if (existing) existing.value += amount;
    else this.counters.set(key, { metric, labels, value: amount });
  }

  /** Advances the traffic counters to now, routing each call as the proxies see it. */
  tick() {
    const now = this.clock();
    const dt = Math.max(0, now - this.lastTick) / 1000;
    this.lastTick = now;
    if (dt === 0) return;
    for (const edge of this.edges) {
      const calls = edge.rps * dt;
      const proxy = this.proxies.get(
        `${edge.source.namespace}/${edge.source.name}`,
      );
      const host = edge.service?.host ?? edge.externalHost!;
      const seen = proxy?.visibleHosts.get(host);
      const matched = !proxy || Boolean(seen);
      const metric =
        edge.protocol === 'http'
          ? 'istio_requests_total'
          : 'istio_tcp_connections_opened_total';
      const source = {
        source_workload: edge.source.workload,
        source_workload_namespace: edge.source.namespace,
        source_app: edge.source.app,
        source_version: edge.source.version,
        source_canonical_service: edge.source.app,
        source_principal: edge.sourceHasProxy
          ? `spiffe://cluster.local/ns/${edge.source.namespace}/sa/${edge.source.app}`
          : 'unknown',
      };
      const ok = calls * (1 - edge.errorRate);
      const failed = calls * edge.errorRate;
      if (edge.sourceHasProxy) {
        if (matched) {
          const destinations =
            edge.destinationPods.length > 0
              ? edge.destinationPods
              : [undefined];
          for (const dest of destinations) {
            const labels = {
              reporter: 'source',
              ...source,
              destination_service: host,
              // For a ServiceEntry host Istio reports the host as the name and the
              // ServiceEntry's namespace as the namespace.
              destination_service_name: edge.service?.name ?? host,
              destination_service_namespace:
                edge.service?.namespace ?? seen?.namespace ?? 'unknown',
              destination_workload: dest?.workload ?? 'unknown',
              destination_workload_namespace: dest?.namespace ?? 'unknown',
              destination_app: dest?.app ?? 'unknown',
              destination_version: dest?.version ?? 'unknown',
              request_protocol: edge.protocol,
              connection_security_policy: 'unknown',
            };
            const share = 1 / destinations.length;
            this.addCalls(
              metric,
              labels,
              ok * share,
              failed * share,
              edge.protocol,
            );
          }
        } else {
          const cluster =
            proxy?.outboundMode === 'REGISTRY_ONLY'
              ? 'BlackHoleCluster'
              : 'PassthroughCluster';
          this.addCalls(
            metric,
            {
              reporter: 'source',
              ...source,
              destination_service: host,
              destination_service_name: cluster,
              destination_service_namespace: 'unknown',
              destination_workload: 'unknown',
              destination_workload_namespace: 'unknown',
              destination_app: 'unknown',
              destination_version: 'unknown',
              request_protocol: edge.protocol,
              connection_security_policy: 'unknown',
            },
            cluster === 'BlackHoleCluster' ? 0 : ok,
            cluster === 'BlackHoleCluster' ? calls : failed,
            edge.protocol,
          );
          if (cluster === 'BlackHoleCluster') continue;
        }
      }
      // Destination-side reports from sidecars of the destination pods.
      for (const dest of edge.destinationPods.filter(p => p.hasProxy)) {
        const share = 1 / edge.destinationPods.length;
        this.addCalls(
          metric,
          {
            reporter: 'destination',
            ...source,
            destination_service: host,
            destination_service_name: edge.service!.name,
            destination_service_namespace: edge.service!.namespace,
            destination_workload: dest.workload,
            destination_workload_namespace: dest.namespace,
            destination_app: dest.app,
            destination_version: dest.version,
            request_protocol: edge.protocol,
            connection_security_policy:
              edge.sourceHasProxy && matched ? 'mutual_tls' : 'none',
          },
          ok * share,
          failed * share,
          edge.protocol,
        );
      }
    }
  }

  private addCalls(
    metric: string,
    labels: Record<string, string>,
    ok: number,
    failed: number,
    protocol: string,
  ) {
    if (protocol === 'tcp') {
      this.add(metric, { ...labels, response_flags: '-' }, ok + failed);
      return;
    }
    if (ok > 0)
      this.add(
        metric,
        { ...labels, response_code: '200', response_flags: '-' },
        ok,
      );
    if (failed > 0) {
      const flags =
        labels.destination_service_name === 'BlackHoleCluster' ? 'NR' : '-';
      this.add(
        metric,
        {
          ...labels,
          response_code: flags === 'NR' ? '502' : '503',
          response_flags: flags,
        },
        failed,
      );
    }
  }

  /** Counter series, advanced to now. */
  trafficSeries() {
    this.tick();
    return [...this.counters.values()];
  }

  /**
   * The pods the simulation runs (those of one namespace when given), with their memory
   * now (bytes) per container. Namespace first, as metrics-server answers a namespaced
   * read from that namespace's pods rather than from every pod's usage.
   */
  podMemory(
    now = this.clock(),
    namespace?: string,
  ): Array<{
    pod: PodRuntime;
    containers: Array<{ name: string; bytes: number }>;
  }> {
    const pods = namespace
      ? this.pods.filter(pod => pod.namespace === namespace)
      : this.pods;
    return pods.map(pod => {
      const containers: Array<{ name: string; bytes: number }> = [];
      if (!pod.isGateway)
        containers.push({ name: pod.appContainer, bytes: pod.appMemoryBytes });
      const proxy = this.proxies.get(`${pod.namespace}/${pod.name}`);
      if (proxy)
        containers.push({ name: 'istio-proxy', bytes: proxy.memory.read(now) });
      return { pod, containers };
    });
  }

  /** Envoy's own figures for one proxy, or undefined when the pod has no proxy. */
  envoyStats(namespace: string, name: string, now = this.clock()) {
    const proxy = this.proxies.get(`${namespace}/${name}`);
    if (!proxy) return undefined;
    const workingSet = proxy.memory.read(now);
    return {
      pod: proxy.pod,
      allocated: Math.round(workingSet * ALLOCATED_FRACTION),
      heapSize: Math.round(workingSet * HEAP_FRACTION),
      activeClusters: proxy.clusters,
      activeListeners: proxy.listeners,
    };
  }

  /** All proxies' Envoy figures. */
  allEnvoyStats(now = this.clock()) {
    return [...this.proxies.values()].map(
      p => this.envoyStats(p.pod.namespace, p.pod.name, now)!,
    );
  }

  /** The Sidecar in force for a pod (for tests and the README's model description). */
  sidecarFor(
    namespace: string,
    labels: Record<string, string>,
  ): KubeObject | undefined {
    return sidecarInForce(this.view, namespace, labels);
  }

  /**
   * The istiod pods, one per control plane (the default one first), with the revision
   * each serves.
   */
  controlPlanePods(): Array<{
    revision: string;
    namespace: string;
    pod: string;
  }> {
    return this.revisions.flatMap(revision => {
      const pod = this.pods.find(
        p =>
          p.namespace === this.rootNamespace &&
          p.app === 'istiod' &&
          this.store.get(type('pods'), p.namespace, p.name)?.metadata.labels?.[
            'istio.io/rev'
          ] === revision,
      );
      return pod ? [{ revision, namespace: pod.namespace, pod: pod.name }] : [];
    });
  }

  /** Number of proxies and services, for logs. */
  summary() {
    return {
      proxies: this.proxies.size,
      services: this.view.services.length,
      pods: this.pods.length,
      edges: this.edges.length,
    };
  }
}
