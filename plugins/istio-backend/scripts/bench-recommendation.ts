/*
 * Benchmark of the Sidecar recommendation engine on a large namespace: 1,000 workloads,
 * 100,000 observed edges, ~2,000 services. Prints min/median wall time per scenario and
 * the machine it ran on. Target: < 200 ms per call.
 *
 * The graph is pseudo-random but the same every run: 70% of the edges stay inside the
 * namespace, the rest go to 10 of 100 other namespaces, 0.1% are unmatched
 * (PassthroughCluster to an IP).
 * Scenarios: the entity owns the namespace (one default Sidecar); owns 10 workloads;
 * owns 999 of the 1,000 (the worst case: 999 per-workload Sidecars, ~4 MiB of YAML).
 *
 * Run from the repository root (Node 22):
 *   node --require @backstage/cli/config/nodeTransform.cjs plugins/istio-backend/scripts/bench-recommendation.ts
 * or `yarn workspace @istio-backstage/plugin-istio-backend bench:recommendation`.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { recommendSidecar } from '../src/lib/sidecar';
import type {
  MeshServiceInfo,
  ObservedEdge,
  RecommendationInput,
  WorkloadInfo,
} from '../src/lib/sidecar';

const NS = 'bench';
const WORKLOADS = 1000;
const EDGES = 100_000;
const OTHER_NAMESPACES = 100;
const SERVICES_PER_OTHER_NAMESPACE = 10;
const SHARED_NAMESPACES = 10;
/** Calls not counted while the JIT and the heap settle, then measured calls. */
const WARMUP = 3;
const RUNS = 15;

/** Deterministic PRNG (mulberry32) so every run sees the same graph. */
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

function pad(i: number): string {
  return String(i).padStart(4, '0');
}

function buildInput(): RecommendationInput {
  const random = prng(42);
  const services: MeshServiceInfo[] = [];
  const svc = (namespace: string, name: string, ports: number[]) =>
    services.push({
      namespace,
      name,
      host: `${name}.${namespace}.svc.cluster.local`,
      ports,
      exportTo: ['*'],
      serviceEntry: false,
    });
  for (let i = 0; i < WORKLOADS; i++) svc(NS, `svc-${pad(i)}`, [8080]);
  for (let n = 0; n < OTHER_NAMESPACES; n++) {
    for (let i = 0; i < SERVICES_PER_OTHER_NAMESPACE; i++) {
      svc(`other-${pad(n)}`, `svc-${i}`, i % 2 ? [8080] : [8080, 9090]);
    }
  }
  svc('istio-system', 'istiod', [15010, 15012, 443, 15014]);
  svc('observability', 'jaeger-collector', [14268, 14250, 9411, 4317, 4318]);

  const workloads: WorkloadInfo[] = Array.from(
    { length: WORKLOADS },
    (_, i) => ({
      namespace: NS,
      name: `wl-${pad(i)}`,
      labels: {
        app: `wl-${pad(i)}`,
        version: 'v1',
        'pod-template-hash': 'abc',
      },
      pods: [`wl-${pad(i)}-abc-1`, `wl-${pad(i)}-abc-2`],
      hasSidecar: true,
      isGateway: false,
    }),
  );

  const edges: ObservedEdge[] = [];
  for (let e = 0; e < EDGES; e++) {
    const source = workloads[Math.floor(random() * WORKLOADS)].name;
    const roll = random();
    let target: MeshServiceInfo;
    // 70% within the namespace; the rest to a few shared namespaces (10 of 100), as
    // real call graphs concentrate on platform services.
    if (roll < 0.7) target = services[Math.floor(random() * WORKLOADS)];
    else {
      const namespace = Math.floor(random() * SHARED_NAMESPACES);
      const index = Math.floor(random() * SERVICES_PER_OTHER_NAMESPACE);
      target =
        services[WORKLOADS + namespace * SERVICES_PER_OTHER_NAMESPACE + index];
    }
    const unmatched = roll > 0.999;
    edges.push({
      sourceNamespace: NS,
      sourceWorkload: source,
      destinationNamespace: unmatched ? 'unknown' : target.namespace,
      destinationService: unmatched
        ? `10.0.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`
        : target.host,
      destinationServiceName: unmatched ? 'PassthroughCluster' : target.name,
      count: Math.floor(random() * 100_000) + 1,
      protocol: random() < 0.8 ? 'http' : 'tcp',
    });
  }

  return {
    cluster: 'bench',
    namespace: NS,
    rootNamespace: 'istio-system',
    controlPlaneNamespaces: ['istio-system'],
    tracingCollector: {
      host: 'jaeger-collector.observability.svc.cluster.local',
      namespace: 'observability',
      port: 9411,
    },
    entityWorkloads: workloads,
    namespaceWorkloads: workloads,
    observedEdges: edges,
    catalogDependencies: [],
    serviceEntries: [],
    virtualServices: [],
    services,
    sidecars: [],
    namespaceAmbient: false,
    windowDays: 7,
  };
}

function measure(name: string, input: RecommendationInput): void {
  const times: number[] = [];
  let summary = '';
  for (let run = 0; run < WARMUP + RUNS; run++) {
    const start = performance.now();
    const result = recommendSidecar(input);
    const ms = performance.now() - start;
    if (run >= WARMUP) times.push(ms);
    const rec = result.recommendation;
    summary = `scope ${rec?.scope}, ${rec?.objects.length} objects, ${
      rec?.egress.length
    } hosts, clusters ${rec?.clustersBefore} → ${rec?.clustersAfter}, yaml ${(
      (rec?.yaml.length ?? 0) / 1024
    ).toFixed(0)} KiB, ${result.warnings.length} warnings`;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  process.stdout.write(
    `${name}\n  ${summary}\n  min ${times[0].toFixed(
      1,
    )} ms, median ${median.toFixed(
      1,
    )} ms over ${RUNS} runs after ${WARMUP} warm-up runs (target < 200 ms)\n`,
  );
}

function main(): void {
  const cpus = os.cpus();
  process.stdout.write(
    `recommendSidecar benchmark — ${cpus[0]?.model ?? 'unknown CPU'}, ${
      cpus.length
    } cores, Node ${process.version}, ${os.platform()} ${os.arch()}\n`,
  );
  const base = buildInput();
  process.stdout.write(
    `namespace ${NS}: ${base.entityWorkloads.length} workloads, ${base.observedEdges?.length} observed edges, ${base.services.length} services\n\n`,
  );

  measure('entity owns the namespace (one default Sidecar)', base);
  measure('entity owns 10 of the 1,000 workloads (per-workload Sidecars)', {
    ...base,
    entityWorkloads: base.entityWorkloads.slice(0, 10),
  });
  measure(
    'entity owns 999 of the 1,000 workloads (999 per-workload Sidecars)',
    {
      ...base,
      entityWorkloads: base.entityWorkloads.slice(1),
    },
  );
}

main();
