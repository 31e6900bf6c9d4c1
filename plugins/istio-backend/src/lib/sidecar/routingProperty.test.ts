// Property: over random meshes (VirtualServices, ServiceEntries and DestinationRules in
// any namespace, every exportTo form, MeshConfig defaults, entities matched by label),
// every observed call and every routing object (VirtualService or ServiceEntry
// exported to the workloads) for a host the workloads call stays visible to each
// entity proxy under the recommendation, as visibility.ts computes it; and
// DestinationRules never change what is recommended. Numbered, so failures replay.
import { selectorMatches } from '../mesh/dataPlane';
import type {
  DestinationRuleRef,
  ExportToDefaults,
  MeshServiceInfo,
  ObservedEdge,
  RecommendationInput,
  SidecarObject,
  VirtualServiceRef,
  WorkloadInfo,
} from './types';
import { recommendSidecar, withRecommendedSidecars } from './recommendSidecar';
import { withExportDefaults } from './meshIndex';
import {
  compileEgressHosts,
  egressImports,
  sidecarInForce,
  virtualServiceHosts,
  virtualServiceUsableFrom,
  visibleServices,
  visibleVirtualServices,
} from './visibility';
import {
  dnsNamesOverlap,
  exportToOrDefault,
  isExportedTo,
  normalizeDnsName,
  parseEgressHost,
} from './hosts';

const OWN = 'app';
const ROOT = 'istio-system';
const DOMAIN = 'cluster.local';
const ID = 'backstage.io/kubernetes-id';
const NAMESPACES = [OWN, 'ns-a', 'ns-b', 'routing', 'ext', ROOT];
const EXPORTS: string[][] = [
  [],
  [],
  ['*'],
  ['.'],
  [OWN],
  ['ns-a'],
  ['~'],
  ['~', OWN],
  ['.', 'ns-b'],
];

/** Deterministic PRNG (mulberry32). */
function prng(start: number): () => number {
  let a = start >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = ReturnType<typeof tools>;

function tools(start: number) {
  const random = prng(start);
  const pick = <T>(list: readonly T[]): T =>
    list[Math.floor(random() * list.length)];
  const chance = (p: number) => random() < p;
  const count = (max: number) => Math.floor(random() * (max + 1));
  return { random, pick, chance, count };
}

/** Kubernetes Services in every namespace, some exported narrowly. */
function randomServices(r: Random): MeshServiceInfo[] {
  return NAMESPACES.flatMap(namespace =>
    Array.from({ length: 1 + r.count(4) }, (_, i) => ({
      namespace,
      name: `s${i}`,
      host: `s${i}.${namespace}.svc.${DOMAIN}`,
      ports: [8080],
      exportTo: r.pick(EXPORTS),
      serviceEntry: false,
    })),
  );
}

const EXTERNAL_HOSTS = [
  'api.example.com',
  '*.wild.example',
  'x1.wild.example',
  '*.example.com',
];

/** ServiceEntries: external hosts, and now and then a Kubernetes host, anywhere. */
function randomServiceEntries(
  r: Random,
  services: readonly MeshServiceInfo[],
): RecommendationInput['serviceEntries'] {
  return Array.from({ length: r.count(6) }, (_, i) => ({
    namespace: r.pick(NAMESPACES),
    name: `se${i}`,
    hosts: [
      r.chance(0.8) ? r.pick(EXTERNAL_HOSTS) : r.pick(services).host,
      ...(r.chance(0.2) ? [r.pick(EXTERNAL_HOSTS)] : []),
    ],
    exportTo: r.pick(EXPORTS),
  }));
}

/** A host as configuration writes it: FQDN, short name, `name.ns`, wildcard. */
function configHost(r: Random, services: readonly MeshServiceInfo[]): string {
  const s = r.pick(services);
  return r.pick([
    s.host,
    s.host,
    s.name,
    `${s.name}.${s.namespace}`,
    `*.${s.namespace}.svc.${DOMAIN}`,
    r.pick(EXTERNAL_HOSTS),
    'x1.wild.example',
  ]);
}

function randomVirtualServices(
  r: Random,
  services: readonly MeshServiceInfo[],
): VirtualServiceRef[] {
  return Array.from({ length: r.count(8) }, (_, i) => ({
    namespace: r.pick(NAMESPACES),
    name: `vs${i}`,
    hosts: Array.from({ length: 1 + r.count(1) }, () =>
      configHost(r, services),
    ),
    exportTo: r.pick(EXPORTS),
    gateways: r.pick([[], [], ['mesh'], ['istio-ingress/gw'], ['gw', 'mesh']]),
  }));
}

function randomDestinationRules(
  r: Random,
  services: readonly MeshServiceInfo[],
): DestinationRuleRef[] {
  return Array.from({ length: r.count(6) }, (_, i) => ({
    namespace: r.pick(NAMESPACES),
    name: `dr${i}`,
    host: configHost(r, services),
    exportTo: r.pick(EXPORTS),
    ...(r.chance(0.1) ? { workloadSelector: { app: 'w0' } } : {}),
  }));
}

/** Workloads of the own namespace; the entity's carry its id label. */
function randomWorkloads(r: Random): {
  namespaceWorkloads: WorkloadInfo[];
  entityWorkloads: WorkloadInfo[];
} {
  const namespaceWorkloads: WorkloadInfo[] = [];
  const entityWorkloads: WorkloadInfo[] = [];
  const n = 1 + r.count(5);
  for (let i = 0; i < n; i++) {
    const mine = i === 0 || r.chance(0.5);
    const labels: Record<string, string> = {
      app: mine ? 'e' : `other${i}`,
      version: `v${i}`,
    };
    // Now and then someone else's pods carry the entity's label too.
    if (mine || r.chance(0.1)) labels[ID] = 'e';
    const w: WorkloadInfo = {
      namespace: OWN,
      name: `w${i}`,
      labels,
      pods: [`w${i}-1`],
      hasSidecar: r.chance(0.9),
      isGateway: false,
    };
    namespaceWorkloads.push(w);
    if (mine) entityWorkloads.push(w);
  }
  return { namespaceWorkloads, entityWorkloads };
}

function randomEdges(
  r: Random,
  workloads: readonly WorkloadInfo[],
  destinations: readonly MeshServiceInfo[],
): ObservedEdge[] {
  return Array.from({ length: r.count(25) }, (_, i) => {
    const d = r.pick(destinations);
    const host = d.host.startsWith('*.') ? `h${i}${d.host.slice(1)}` : d.host;
    const roll = r.random();
    const unmatched = roll < 0.1;
    const matchedName = d.serviceEntry ? host : d.name;
    return {
      sourceNamespace: OWN,
      sourceWorkload: r.pick(workloads).name,
      destinationNamespace: roll < 0.2 ? 'unknown' : d.namespace,
      destinationService: roll > 0.95 ? 'gone.ns-z.svc.cluster.local' : host,
      destinationServiceName: unmatched
        ? r.pick(['PassthroughCluster', 'BlackHoleCluster'])
        : matchedName,
      count: 1 + r.count(100),
      protocol: r.chance(0.5) ? 'http' : 'tcp',
    };
  });
}

function randomDefaults(r: Random): ExportToDefaults | undefined {
  if (r.chance(0.5)) return undefined;
  return {
    service: r.pick([undefined, ['*'], ['.']]),
    virtualService: r.pick([undefined, ['*'], ['.'], ['~']]),
    destinationRule: r.pick([undefined, ['*'], ['.']]),
  };
}

/** A random mesh around namespace `app`. */
function randomMesh(start: number): RecommendationInput {
  const r = tools(start);
  const k8s = randomServices(r);
  const serviceEntries = randomServiceEntries(r, k8s);
  const services: MeshServiceInfo[] = [
    ...k8s,
    ...serviceEntries.flatMap(se =>
      se.hosts.map(host => ({
        namespace: se.namespace,
        name: se.name,
        host,
        ports: [443],
        exportTo: se.exportTo,
        serviceEntry: true,
      })),
    ),
  ];
  const { namespaceWorkloads, entityWorkloads } = randomWorkloads(r);
  const exportToDefaults = randomDefaults(r);
  // Calls match only what is exported to the caller (else Istio sees passthrough).
  const exported = services.filter(s =>
    isExportedTo(
      exportToOrDefault(s.exportTo, exportToDefaults?.service),
      s.namespace,
      OWN,
    ),
  );
  const sidecars: SidecarObject[] = [];
  if (r.chance(0.3))
    sidecars.push({ name: 'default', namespace: OWN, hosts: ['./*'] });
  if (r.chance(0.3))
    sidecars.push({ name: 'default', namespace: ROOT, hosts: ['./*'] });
  return {
    cluster: 'random',
    namespace: OWN,
    rootNamespace: ROOT,
    controlPlaneNamespaces: [ROOT],
    entityWorkloads,
    namespaceWorkloads,
    observedEdges: randomEdges(
      r,
      namespaceWorkloads,
      exported.length > 0 ? exported : services,
    ),
    catalogDependencies: r.chance(0.5)
      ? [r.pick(k8s)].map(s => ({
          entityRef: `component:default/${s.name}`,
          namespace: s.namespace,
          service: s.name,
        }))
      : [],
    extraHosts: r.chance(0.3)
      ? [r.pick(['ns-b/*', 'ext/api.example.com', '*/x1.wild.example'])]
      : [],
    serviceEntries,
    virtualServices: randomVirtualServices(r, k8s),
    destinationRules: randomDestinationRules(r, k8s),
    exportToDefaults,
    ...(r.chance(0.8)
      ? {
          entity: {
            name: 'e',
            labelSelector: `${ID}=e`,
            matchLabels: { [ID]: 'e' },
          },
        }
      : {}),
    services,
    sidecars,
    namespaceAmbient: false,
    windowDays: 7,
  };
}

/** The registry entry (Service or ServiceEntry) exported to the workloads for a host. */
function registryEntry(input: RecommendationInput, host: string) {
  return input.services.find(
    s =>
      isExportedTo(s.exportTo, s.namespace, OWN) &&
      dnsNamesOverlap(s.host, host) &&
      (s.serviceEntry || s.host === host),
  );
}

/**
 * The hosts a workload calls, as names (never `*`): observed destinations (unmatched
 * ones only when the registry knows them: others are not kept), catalog dependencies,
 * and requested hosts (every exported Service of a namespace requested whole).
 */
function calledHosts(input: RecommendationInput, workload: string): string[] {
  const out = new Set<string>();
  for (const e of input.observedEdges ?? []) {
    if (e.sourceWorkload !== workload) continue;
    const host = normalizeDnsName(e.destinationService);
    const unmatched = e.destinationServiceName.endsWith('Cluster');
    if (!unmatched || registryEntry(input, host)) out.add(host);
  }
  for (const d of input.catalogDependencies) {
    out.add(`${d.service}.${d.namespace}.svc.${DOMAIN}`);
  }
  for (const extra of input.extraHosts ?? []) {
    const parsed = parseEgressHost(extra)!;
    if (parsed.dnsName !== '*') out.add(parsed.dnsName);
    else {
      for (const s of input.services) {
        if (
          s.namespace === parsed.namespace &&
          isExportedTo(s.exportTo, s.namespace, OWN)
        ) {
          out.add(normalizeDnsName(s.host));
        }
      }
    }
  }
  return [...out];
}

/** What goes wrong for one entity proxy under the recommendation, if anything. */
function failuresFor(
  input: RecommendationInput,
  after: readonly SidecarObject[],
  w: WorkloadInfo,
): string[] {
  const failures: string[] = [];
  const sidecar = sidecarInForce(after, w, ROOT)!;
  const matcher = compileEgressHosts(sidecar.hosts, OWN);
  const visible = new Set(
    visibleServices(input.services, after, w, ROOT).map(s => s.host),
  );
  // Every observed call to a registry host (or a host kept by where it went).
  for (const e of input.observedEdges ?? []) {
    if (e.sourceWorkload !== w.name) continue;
    const host = e.destinationService;
    const registered = registryEntry(input, host);
    const unmatched = e.destinationServiceName.endsWith('Cluster');
    if (!registered && unmatched) continue;
    const ok = registered
      ? visible.has(registered.host)
      : egressImports(matcher, e.destinationNamespace, host);
    if (!ok) failures.push(`call ${w.name} → ${host} not visible`);
  }
  // Every exported VirtualService and ServiceEntry for a called host.
  const virtualServices = new Set(
    visibleVirtualServices(input.virtualServices, after, w, ROOT, DOMAIN),
  );
  for (const host of calledHosts(input, w.name)) {
    for (const vs of input.virtualServices) {
      if (!virtualServiceUsableFrom(vs, OWN)) continue;
      const hosts = virtualServiceHosts(vs, DOMAIN);
      if (hosts.some(h => dnsNamesOverlap(h, host)) && !virtualServices.has(vs))
        failures.push(
          `VirtualService ${vs.namespace}/${vs.name} for ${host} not imported`,
        );
    }
    for (const se of input.serviceEntries) {
      if (!isExportedTo(se.exportTo, se.namespace, OWN)) continue;
      for (const h of se.hosts.map(normalizeDnsName)) {
        if (
          dnsNamesOverlap(h, host) &&
          !egressImports(matcher, se.namespace, h)
        )
          failures.push(
            `ServiceEntry ${se.namespace}/${se.name} (${h}) for ${host} not imported`,
          );
      }
    }
  }
  return failures;
}

/** The entity Sidecar, when there is one, selects exactly the entity's pods. */
function selectorFailures(
  input: RecommendationInput,
  objects: ReturnType<typeof recommendSidecar>['recommendation'],
): string[] {
  const entityObject = objects?.objects.find(
    o => o.workloadSelector && ID in o.workloadSelector,
  );
  if (!entityObject) return [];
  const mine = new Set(input.entityWorkloads.map(w => w.name));
  return input.namespaceWorkloads
    .filter(
      w =>
        selectorMatches(entityObject.workloadSelector!, w.labels) !==
        mine.has(w.name),
    )
    .map(w => `entity Sidecar ${entityObject.name} and ${w.name} disagree`);
}

describe('recommendations on random meshes (property)', () => {
  it('keep every call and every exported VirtualService and ServiceEntry for a called host visible', () => {
    const failures: string[] = [];
    let proxies = 0;
    let routingChecked = 0;
    let entitySidecars = 0;
    for (let start = 1; start <= 400; start++) {
      const raw = randomMesh(start);
      const result = recommendSidecar(raw);
      const rec = result.recommendation;
      if (!rec) continue;
      // Checked against what istiod sees: the MeshConfig defaults applied.
      const input = withExportDefaults(raw);
      const after = withRecommendedSidecars(input.sidecars, OWN, rec.objects);
      const ours = new Set(rec.objects.map(o => o.name));
      for (const w of input.entityWorkloads.filter(x => x.hasSidecar)) {
        const inForce = sidecarInForce(after, w, ROOT);
        if (!inForce || inForce.namespace !== OWN || !ours.has(inForce.name)) {
          failures.push(
            `start ${start}: ${w.name} not configured by the recommendation`,
          );
          continue;
        }
        proxies++;
        routingChecked += calledHosts(input, w.name).length;
        failures.push(
          ...failuresFor(input, after, w).map(f => `start ${start}: ${f}`),
        );
      }
      failures.push(
        ...selectorFailures(input, rec).map(f => `start ${start}: ${f}`),
      );
      if (rec.objects.some(o => o.workloadSelector && ID in o.workloadSelector))
        entitySidecars++;
      // DestinationRules never add or remove a host.
      const without = recommendSidecar({ ...raw, destinationRules: [] });
      if (JSON.stringify(without.recommendation) !== JSON.stringify(rec))
        failures.push(
          `start ${start}: DestinationRules changed the recommendation`,
        );
    }
    expect(failures).toEqual([]);
    expect(proxies).toBeGreaterThan(300);
    expect(routingChecked).toBeGreaterThan(1000);
    expect(entitySidecars).toBeGreaterThan(20);
  });
});
