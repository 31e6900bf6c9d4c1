import type {
  IstioSidecarWarning,
  IstioWorkloadTracing,
} from '@istio-backstage/plugin-istio-common';
import { readFileSync } from 'fs';
import { resolve } from 'path';
import {
  BOOKINFO_SERVICES,
  DETAILS,
  NS,
  PRODUCTPAGE,
  REVIEWS_V2,
  bookinfoInput,
  edge,
  service,
} from '../../lib/sidecar/testFixtures';
import type {
  RecommendationInput,
  SidecarObject,
  VirtualServiceRef,
} from '../../lib/sidecar/types';
import {
  SIDECAR_IN_FORCE_CODES,
  sidecarInForceFindings,
} from './sidecarInForce';

// Findings about the Sidecar in force for the entity's workloads (bookinfo in
// istio-demo): what it leaves out of the tracing collector, the called services and
// the routing of the called hosts.

const OTEL = 'otel-collector.observability.svc.cluster.local';
const PAYMENTS = 'payments-api.payments.svc.cluster.local';
const REVIEWS = `reviews.${NS}.svc.cluster.local`;

const SERVICES = [
  ...BOOKINFO_SERVICES,
  service('observability', 'otel-collector', [4317, 4318]),
  service('payments', 'payments-api', [8080]),
  service('ledger', 'ledger', [8080], ['.']),
];

/** The namespace default as hand-written Sidecars often are: own and control plane namespaces only. */
const NARROW: SidecarObject = {
  name: 'default',
  namespace: NS,
  hosts: ['./*', 'istio-system/*'],
};

/** One importing everything the workloads need. */
const CORRECT: SidecarObject = {
  name: 'default',
  namespace: NS,
  hosts: [
    './*',
    'istio-system/*',
    `observability/${OTEL}`,
    `payments/${PAYMENTS}`,
    'routing/*',
  ],
};

/** productpage's own Sidecar, REGISTRY_ONLY, older than anything else. */
const PRODUCTPAGE_ONLY: SidecarObject = {
  name: 'productpage',
  namespace: NS,
  creationTimestamp: '2026-01-01T00:00:00Z',
  workloadSelector: { app: 'productpage' },
  hosts: ['./*', 'istio-system/*'],
  outboundTrafficPolicy: 'REGISTRY_ONLY',
};

const REVIEWS_ROUTING: VirtualServiceRef = {
  namespace: 'routing',
  name: 'reviews',
  hosts: [REVIEWS],
  exportTo: ['*'],
};

/** A workload's tracing to the OpenTelemetry collector, from the Telemetry API. */
function otelTracing(
  workload: string,
  extra: Partial<IstioWorkloadTracing> = {},
): IstioWorkloadTracing {
  return {
    workload,
    revision: 'default',
    revisionDecidedBy: 'pod annotation sidecar.istio.io/status',
    sendsSpans: 'yes',
    provider: 'opentelemetry',
    providerName: 'otel',
    collector: {
      host: OTEL,
      port: 4317,
      service: { namespace: 'observability', name: 'otel-collector' },
      exists: 'yes',
    },
    samplingPercent: 1,
    spanReportingDisabled: false,
    configuredBy: 'telemetry-api',
    decidedBy: {
      provider: 'MeshConfig defaultProviders.tracing (revision default)',
    },
    ...extra,
  };
}

/** productpage and details, legacy tracing aside; traffic and routing as given. */
function input(overrides: Partial<RecommendationInput> = {}) {
  return bookinfoInput({
    entityWorkloads: [PRODUCTPAGE, DETAILS],
    services: SERVICES,
    observedEdges: [edge('productpage-v1', NS, 'details', 1000)],
    ...overrides,
  });
}

const TRACING = [otelTracing('productpage-v1'), otelTracing('details-v1')];

const of = (warnings: IstioSidecarWarning[], code: string) =>
  warnings.filter(w => w.code === code);

describe('sidecar-drops-tracing-collector', () => {
  const findings = (i: RecommendationInput, tracing = TRACING) =>
    of(sidecarInForceFindings(i, tracing), 'sidecar-drops-tracing-collector');

  it('fires when the Sidecar in force does not import the Telemetry API collector', () => {
    const [finding, ...rest] = findings(input({ sidecars: [NARROW] }));
    expect(rest).toEqual([]);
    expect(finding.workload).toBeUndefined();
    expect(finding.message).toBe(
      `Sidecar istio-demo/default (the namespace's selector-less default) is in force for details-v1, productpage-v1, whose proxies send spans to ${OTEL}:4317 (provider otel, chosen by MeshConfig defaultProviders.tracing (revision default)), and does not import that collector (Service observability/otel-collector): istiod points the tracer at the collector's outbound cluster, which these proxies do not receive, so their spans are dropped. Fix: add "observability/${OTEL}" to the egress hosts of Sidecar istio-demo/default.`,
    );
  });

  it('names each Sidecar in force: a selector one wins over the namespace default', () => {
    const result = findings(
      input({ sidecars: [CORRECT, { ...PRODUCTPAGE_ONLY }] }),
    );
    expect(result).toHaveLength(1);
    expect(result[0].workload).toBe('productpage-v1');
    expect(result[0].message).toMatch(
      /^Sidecar istio-demo\/productpage \(workloadSelector app=productpage\)/,
    );
  });

  it('proposes a namespace Sidecar rather than widening the mesh-wide default', () => {
    const root = { ...NARROW, namespace: 'istio-system' };
    const [finding] = findings(input({ sidecars: [root] }));
    expect(finding.message).toMatch(
      /^Sidecar istio-system\/default \(mesh-wide default of root namespace istio-system\)/,
    );
    expect(finding.message).toMatch(
      /Fix: give namespace istio-demo its own selector-less Sidecar with the egress hosts of istio-system\/default plus "observability\/otel-collector\.observability\.svc\.cluster\.local"/,
    );
  });

  it('checks the inbound side when Telemetry gives it another collector', () => {
    const server = {
      ...otelTracing('details-v1'),
      collector: {
        host: 'jaeger-collector.observability.svc.cluster.local',
        port: 4317,
        service: { namespace: 'observability', name: 'jaeger-collector' },
        exists: 'yes' as const,
      },
    };
    const withOtel = {
      ...CORRECT,
      hosts: ['./*', `observability/${OTEL}`],
    };
    const result = findings(input({ sidecars: [withOtel] }), [
      otelTracing('details-v1', { server }),
    ]);
    expect(result.map(w => w.message)).toEqual([
      expect.stringContaining(
        '"observability/jaeger-collector.observability.svc.cluster.local"',
      ),
    ]);
  });

  it.each<[string, Partial<RecommendationInput>, IstioWorkloadTracing[]]>([
    ['a correct Sidecar', { sidecars: [CORRECT] }, TRACING],
    [
      'a Sidecar importing the whole namespace',
      {
        sidecars: [{ ...NARROW, hosts: ['./*', 'observability/*'] }],
      },
      TRACING,
    ],
    ['no Sidecar', { sidecars: [] }, TRACING],
    [
      'an ambient namespace',
      { sidecars: [NARROW], namespaceAmbient: true },
      TRACING,
    ],
    [
      'the legacy bootstrap tracer',
      { sidecars: [NARROW] },
      [
        otelTracing('productpage-v1', {
          configuredBy: 'legacy',
          provider: 'zipkin',
          providerName: undefined,
          collector: {
            host: 'jaeger-collector.observability',
            port: 9411,
            service: { namespace: 'observability', name: 'jaeger-collector' },
            exists: 'yes',
          },
        }),
      ],
    ],
    [
      'proxies sending no spans',
      { sidecars: [NARROW] },
      [otelTracing('productpage-v1', { sendsSpans: 'no' })],
    ],
    [
      'tracing that could not be resolved',
      { sidecars: [NARROW] },
      [otelTracing('productpage-v1', { sendsSpans: 'unknown' })],
    ],
    [
      'a collector missing from the cluster',
      { sidecars: [NARROW], services: BOOKINFO_SERVICES },
      [
        otelTracing('productpage-v1', {
          collector: {
            host: OTEL,
            port: 4317,
            service: { namespace: 'observability', name: 'otel-collector' },
            exists: 'no-service',
          },
        }),
      ],
    ],
    [
      'workloads that are not the entity’s',
      { sidecars: [NARROW] },
      [otelTracing('ratings-v1')],
    ],
    [
      'a gateway',
      {
        sidecars: [NARROW],
        entityWorkloads: [{ ...PRODUCTPAGE, isGateway: true }],
      },
      [otelTracing('productpage-v1')],
    ],
  ])('does not fire for %s', (_case, overrides, tracing) => {
    expect(findings(input(overrides), tracing)).toEqual([]);
  });
});

describe('sidecar-blocks-dependency', () => {
  const findings = (overrides: Partial<RecommendationInput>) =>
    of(
      sidecarInForceFindings(input(overrides), []),
      'sidecar-blocks-dependency',
    );
  const passthrough = (workload: string, count: number) =>
    edge(workload, 'unknown', 'payments-api', count, {
      destinationService: PAYMENTS,
      destinationServiceName: 'PassthroughCluster',
    });

  it('fires for unmatched calls to a service the Sidecar in force does not import', () => {
    const [finding, ...rest] = findings({
      sidecars: [NARROW],
      observedEdges: [passthrough('productpage-v1', 1234)],
    });
    expect(rest).toEqual([]);
    expect(finding.workload).toBe('productpage-v1');
    expect(finding.message).toBe(
      `Sidecar istio-demo/default (the namespace's selector-less default) is in force for productpage-v1 and does not import payments-api.payments (Service payments/payments-api), which they called: productpage-v1 → 1,234 requests in 7d through PassthroughCluster. Calls through PassthroughCluster (outbound policy ALLOW_ANY) left as plain traffic to the address: no mTLS, no routing, retries or load balancing of the mesh, and they fail where the destination requires mTLS. Fix: add "payments/${PAYMENTS}" to the egress hosts of Sidecar istio-demo/default.`,
    );
  });

  it('names the REGISTRY_ONLY Sidecar whose calls went to BlackHoleCluster', () => {
    const result = findings({
      sidecars: [NARROW, PRODUCTPAGE_ONLY],
      observedEdges: [
        {
          ...passthrough('productpage-v1', 50),
          destinationService: 'payments-api.payments:8080',
          destinationServiceName: 'BlackHoleCluster',
        },
        passthrough('details-v1', 7),
      ],
    });
    expect(result.map(w => [w.workload, w.message.slice(0, 40)])).toEqual([
      ['productpage-v1', 'Sidecar istio-demo/productpage (workload'],
      ['details-v1', 'Sidecar istio-demo/default (the namespac'],
    ]);
    expect(result[0].message).toContain(
      'productpage-v1 → 50 requests in 7d through BlackHoleCluster. Calls through BlackHoleCluster (outbound policy REGISTRY_ONLY) were refused with 502 and never arrived.',
    );
  });

  it('counts TCP connections too, and groups the callers of one destination', () => {
    const [finding] = findings({
      sidecars: [NARROW],
      observedEdges: [
        passthrough('productpage-v1', 10),
        { ...passthrough('details-v1', 3), protocol: 'tcp' },
      ],
    });
    expect(finding.workload).toBeUndefined();
    expect(finding.message).toContain(
      'details-v1 → 3 connections in 7d through PassthroughCluster; productpage-v1 → 10 requests in 7d through PassthroughCluster',
    );
  });

  it.each<[string, Partial<RecommendationInput>]>([
    [
      'a correct Sidecar',
      {
        sidecars: [CORRECT],
        observedEdges: [passthrough('productpage-v1', 9)],
      },
    ],
    ['no Sidecar', { observedEdges: [passthrough('productpage-v1', 9)] }],
    [
      'an ambient namespace',
      {
        sidecars: [NARROW],
        namespaceAmbient: true,
        observedEdges: [passthrough('productpage-v1', 9)],
      },
    ],
    [
      'Prometheus unavailable',
      { sidecars: [NARROW], observedEdges: undefined },
    ],
    [
      'a host outside the mesh registry',
      {
        sidecars: [NARROW],
        observedEdges: [
          {
            ...passthrough('productpage-v1', 9),
            destinationService: 'api.example.com',
          },
        ],
      },
    ],
    [
      'an unknown destination',
      {
        sidecars: [NARROW],
        observedEdges: [
          {
            ...passthrough('productpage-v1', 9),
            destinationService: 'unknown',
          },
        ],
      },
    ],
    [
      'a service not exported to the namespace (not the Sidecar’s doing)',
      {
        sidecars: [NARROW],
        observedEdges: [
          {
            ...passthrough('productpage-v1', 9),
            destinationService: 'ledger.ledger.svc.cluster.local',
          },
        ],
      },
    ],
    [
      'a namespace istiod does not discover',
      {
        sidecars: [NARROW],
        discoveredNamespaces: [NS, 'istio-system'],
        observedEdges: [passthrough('productpage-v1', 9)],
      },
    ],
    [
      'matched calls',
      {
        sidecars: [NARROW],
        observedEdges: [edge('productpage-v1', 'payments', 'payments-api', 9)],
      },
    ],
  ])('does not fire for %s', (_case, overrides) => {
    expect(findings(overrides)).toEqual([]);
  });
});

describe('sidecar-routing-not-imported', () => {
  const findings = (overrides: Partial<RecommendationInput>) =>
    of(
      sidecarInForceFindings(
        input({
          observedEdges: [edge('productpage-v1', NS, 'reviews', 500)],
          ...overrides,
        }),
        [],
      ),
      'sidecar-routing-not-imported',
    );

  it('fires for a VirtualService of another namespace routing a called host', () => {
    const [finding, ...rest] = findings({
      sidecars: [NARROW],
      virtualServices: [REVIEWS_ROUTING],
    });
    expect(rest).toEqual([]);
    expect(finding.workload).toBe('productpage-v1');
    expect(finding.message).toBe(
      `Sidecar istio-demo/default (the namespace's selector-less default) is in force for productpage-v1 and does not import VirtualService routing/reviews, which routes reviews.istio-demo that they call: a Sidecar imports a VirtualService from the namespace it is defined in (routing), so its routing (traffic splits, retries, timeouts, fault injection) does not apply to these proxies. Fix: add "routing/${REVIEWS}" to the egress hosts of Sidecar istio-demo/default.`,
    );
  });

  it('narrows a wildcard VirtualService host to the called host, and counts catalog dependencies as calls', () => {
    const [finding] = findings({
      sidecars: [NARROW],
      observedEdges: [],
      catalogDependencies: [
        {
          entityRef: 'component:default/payments',
          namespace: 'payments',
          service: 'payments-api',
        },
      ],
      virtualServices: [
        {
          namespace: 'routing',
          name: 'payments',
          hosts: ['*.payments.svc.cluster.local'],
        },
      ],
    });
    expect(finding.workload).toBeUndefined();
    expect(finding.message).toContain(
      'is in force for details-v1, productpage-v1 and does not import VirtualService routing/payments, which routes payments-api.payments',
    );
    expect(finding.message).toContain(`add "routing/${PAYMENTS}"`);
  });

  it('fires when the own namespace is not imported whole and its VirtualService is left out', () => {
    const [finding] = findings({
      sidecars: [
        {
          ...NARROW,
          hosts: [`./details.${NS}.svc.cluster.local`, 'istio-system/*'],
        },
      ],
      virtualServices: [{ namespace: NS, name: 'reviews', hosts: ['reviews'] }],
    });
    expect(finding.message).toContain(`add "${NS}/${REVIEWS}"`);
  });

  it.each<[string, Partial<RecommendationInput>]>([
    [
      'a correct Sidecar',
      { sidecars: [CORRECT], virtualServices: [REVIEWS_ROUTING] },
    ],
    ['no Sidecar', { virtualServices: [REVIEWS_ROUTING] }],
    [
      'an ambient namespace',
      {
        sidecars: [NARROW],
        namespaceAmbient: true,
        virtualServices: [REVIEWS_ROUTING],
      },
    ],
    [
      'a Sidecar importing the host from the routing namespace',
      {
        sidecars: [
          { ...NARROW, hosts: [...NARROW.hosts, `routing/${REVIEWS}`] },
        ],
        virtualServices: [REVIEWS_ROUTING],
      },
    ],
    [
      'a VirtualService of the own namespace under "./*"',
      {
        sidecars: [NARROW],
        virtualServices: [{ ...REVIEWS_ROUTING, namespace: NS }],
      },
    ],
    [
      'a VirtualService not exported to the namespace',
      {
        sidecars: [NARROW],
        virtualServices: [{ ...REVIEWS_ROUTING, exportTo: ['.'] }],
      },
    ],
    [
      'a VirtualService the MeshConfig default keeps in its namespace',
      {
        sidecars: [NARROW],
        virtualServices: [{ ...REVIEWS_ROUTING, exportTo: undefined }],
        exportToDefaults: { virtualService: ['.'] },
      },
    ],
    [
      'a VirtualService bound to a gateway only',
      {
        sidecars: [NARROW],
        virtualServices: [
          { ...REVIEWS_ROUTING, gateways: ['istio-ingress/main'] },
        ],
      },
    ],
    [
      'a host nobody calls',
      {
        sidecars: [NARROW],
        observedEdges: [edge('productpage-v1', NS, 'details', 5)],
        virtualServices: [REVIEWS_ROUTING],
      },
    ],
    [
      'callers that are not the entity’s',
      {
        sidecars: [NARROW],
        observedEdges: [edge(REVIEWS_V2.name, NS, 'reviews', 5)],
        virtualServices: [REVIEWS_ROUTING],
      },
    ],
  ])('does not fire for %s', (_case, overrides) => {
    expect(findings(overrides)).toEqual([]);
  });
});

describe('the Sidecar in force while pods differ', () => {
  it('checks every Sidecar a workload’s pods get mid-rollout', () => {
    const rolling = {
      ...PRODUCTPAGE,
      pods: ['productpage-v1-a', 'productpage-v1-b'],
      podLabels: [PRODUCTPAGE.labels, { ...PRODUCTPAGE.labels, app: 'other' }],
    };
    const names = of(
      sidecarInForceFindings(
        input({
          entityWorkloads: [rolling],
          sidecars: [NARROW, PRODUCTPAGE_ONLY],
        }),
        [otelTracing('productpage-v1')],
      ),
      'sidecar-drops-tracing-collector',
    ).map(w => w.message.split(' ')[1]);
    expect(names).toEqual(['istio-demo/productpage', 'istio-demo/default']);
  });
});

describe('DIAGNOSTICS.md', () => {
  const markdown = readFileSync(
    resolve(__dirname, '../../../DIAGNOSTICS.md'),
    'utf8',
  );
  it.each(Object.entries(SIDECAR_IN_FORCE_CODES))(
    'documents %s with its severity, title and a fix',
    (code, info) => {
      const row = markdown
        .split('\n')
        .map(line =>
          new RegExp(
            `^\\|\\s*\`${code}\`\\s*\\|\\s*(\\w+)\\s*\\|(.*)\\|(.*)\\|\\s*$`,
          ).exec(line),
        )
        .find(match => match !== null);
      expect(row?.[1]).toBe(info.severity);
      expect(row?.[2]).toContain(info.title);
      expect(row?.[3].trim().length).toBeGreaterThan(20);
    },
  );
});
