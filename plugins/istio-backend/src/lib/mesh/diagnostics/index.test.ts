import {
  DIAGNOSTIC_KINDS,
  diagnosticNamespace,
  type IstioMeshConfig,
} from '@istio-backstage/plugin-istio-common';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { MeshInventory } from '../inventory';
import { describeObject } from './diagnostic';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_RULES, diagnose } from './index';
import {
  deployment,
  healthyInventory,
  healthyMesh,
  meshConfigMap,
  namespace,
  pod,
  service,
  sidecar,
  telemetry,
  unknownInventory,
  unknownMesh,
} from './testFixtures';

const OLD_PROXY = 'docker.io/istio/proxyv2:1.24.2';
const NEW_PROXY = 'docker.io/istio/proxyv2:1.25.0';

/** A bookinfo cluster after a careless install: every rule has something to say. */
function brokenInventory(): MeshInventory {
  const base = healthyInventory();
  return {
    ...base,
    namespaces: [
      namespace('istio-system'),
      namespace('istio-demo', {
        'istio-injection': 'enabled',
        'istio.io/rev': 'canary',
      }),
      namespace('shop', { 'istio-injection': 'enabled' }),
      namespace('ambient-apps', { 'istio.io/dataplane-mode': 'ambient' }),
      namespace('observability'),
    ],
    pods: [
      pod('istio-system', 'istio-ingressgateway-5c6-abc', {
        labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
        proxyImage: OLD_PROXY,
      }),
      pod('istio-demo', 'details-v1-6f6b-4bksd', {
        proxyImage: OLD_PROXY,
        istioInit: ['NET_ADMIN', 'NET_RAW'],
      }),
      pod('shop', 'cart-1', {
        // Its control plane among two revisions.
        labels: { 'istio.io/rev': 'default' },
        proxyImage: NEW_PROXY,
        istioInit: ['NET_ADMIN', 'NET_RAW'],
      }),
      pod('shop', 'cart-2', {
        proxyImage: 'docker.io/istio/proxyv2:1.24.3',
        istioInit: ['NET_ADMIN', 'NET_RAW'],
        waiting: { 'istio-proxy': 'ImagePullBackOff' },
      }),
    ],
    services: [
      service('istio-system', 'istiod', [15010, 15012, 443, 15014]),
      service('observability', 'jaeger-collector', [14268, 14250, 4317], {
        app: 'jaeger',
      }),
      service('monitoring', 'prometheus', [9090]),
    ],
    deployments: [
      ...base.deployments!,
      deployment('istio-operator', 'istio-operator'),
    ],
    configMaps: [
      meshConfigMap(
        'enableTracing: true\ndefaultConfig:\n  tracing:\n    sampling: 100\n    zipkin:\n      address: jaeger-collector.observability:9411\n',
      ),
      // The canary revision's own MeshConfig: sampling written as a fraction, no tracer.
      meshConfigMap('defaultConfig:\n  tracing:\n    sampling: 0.5\n', {
        name: 'istio-canary',
      }),
    ],
    sidecars: [
      sidecar('istio-demo', 'default'),
      sidecar('istio-demo', 'bookinfo'),
      sidecar('istio-system', 'default', { selector: { app: 'productpage' } }),
      sidecar('ambient-apps', 'default'),
    ],
    // A percentage by definition: never a sampling-fraction finding.
    telemetries: [telemetry('istio-demo', 'debug', 1.0)],
    istioOperators: [],
    prometheus: { envoySeries: false, istiodSeries: false },
  };
}

function brokenMesh(): IstioMeshConfig {
  const base = healthyMesh();
  return {
    ...base,
    controlPlanes: [
      {
        ...base.controlPlanes[0],
        version: '1.24.2',
        tag: '1.24.2',
        installMethod: 'operator',
        support: {
          verdict: 'unsupported',
          reasons: ['Istio 1.24 reached end of life on 2025-06-24'],
        },
      },
      {
        ...base.controlPlanes[0],
        revision: 'canary',
        support: {
          verdict: 'check',
          reasons: [
            "Istio 1.30's end of life was expected around 2026-11-30 and has likely passed; check istio.io's supported releases",
          ],
        },
      },
    ],
    dataPlane: {
      sidecarNamespaces: ['istio-demo', 'shop'],
      ambientNamespaces: ['ambient-apps'],
      nativeSidecars: 'no',
      proxyVersions: { '1.24.2': 2, '1.25.0': 1 },
    },
    cni: { installed: 'no', podsWithNetAdmin: 3 },
    tracing: {
      enabled: 'yes',
      samplingPercent: 100,
      configuredIn: 'meshConfig.defaultConfig.tracing',
      provider: 'zipkin',
      collector: {
        host: 'jaeger-collector.observability',
        port: 9411,
        service: { namespace: 'observability', name: 'jaeger-collector' },
        exists: 'no-port',
      },
    },
    gateways: [
      {
        name: 'istio-ingressgateway',
        namespace: 'istio-system',
        sendsTraces: 'no',
        replicas: 1,
      },
    ],
    prometheus: {
      merge: 'yes',
      configured: true,
      envoySeries: 'no',
      istiodSeries: 'no',
    },
    kiali: {
      installed: 'yes',
      namespace: 'istio-system',
      externalServices: [
        {
          name: 'prometheus',
          url: 'http://prometheus.gemcloud-monitoring-system.svc.cluster.local:9090',
          exists: 'no-service',
        },
      ],
    },
    meshSize: {
      namespaces: 240,
      injectedNamespaces: 2,
      services: 300,
      pods: 400,
      proxies: 150,
      sidecarResources: 4,
    },
  };
}

describe('diagnose', () => {
  it('finds nothing in a healthy mesh', () => {
    expect(diagnose(healthyInventory(), healthyMesh())).toEqual([]);
  });

  it('finds nothing when every read failed (no diagnosis from missing data)', () => {
    expect(diagnose(unknownInventory(), unknownMesh())).toEqual([]);
  });

  it('finds nothing from a healthy mesh model whose inventory is entirely unknown', () => {
    expect(diagnose(unknownInventory(), healthyMesh())).toEqual([]);
  });

  it('reports every code on a broken mesh', () => {
    const codes = new Set(
      diagnose(brokenInventory(), brokenMesh()).map(d => d.code),
    );
    expect([...codes].sort()).toEqual(Object.keys(DIAGNOSTIC_CODES).sort());
  });

  describe('on a broken mesh, every diagnostic', () => {
    const diagnostics = diagnose(brokenInventory(), brokenMesh());
    const cases = diagnostics.map(
      d => [`${d.code} ${d.object?.name}`, d] as const,
    );

    it.each(cases)(
      '%s takes severity, scope and topic from DIAGNOSTIC_KINDS, its title from DIAGNOSTIC_CODES',
      (_name, d) => {
        const code = d.code as keyof typeof DIAGNOSTIC_CODES;
        const { severity, scope, topic } = DIAGNOSTIC_KINDS[code];
        expect({
          severity: d.severity,
          scope: d.scope,
          topic: d.topic,
          title: d.title,
        }).toEqual({
          severity,
          scope,
          topic,
          title: DIAGNOSTIC_CODES[code].title,
        });
      },
    );

    // Namespace and object findings reach an entity's tab through that namespace.
    it.each(cases.filter(([, d]) => d.scope !== 'mesh'))(
      '%s names the namespace whose workloads it concerns',
      (_name, d) => {
        expect(diagnosticNamespace(d)).toEqual(expect.any(String));
      },
    );

    it.each(cases)('%s names its object in the message', (_name, d) => {
      expect(d.object).toBeDefined();
      expect(d.message).toContain(describeObject(d.object!));
    });

    it.each(cases)('%s has a fix whose YAML parses', (_name, d) => {
      expect(d.fix.text.length).toBeGreaterThan(20);
      const errors = parseAllDocuments(d.fix.yaml ?? '').flatMap(doc =>
        'errors' in doc ? doc.errors : [doc],
      );
      expect(errors).toEqual([]);
    });
  });

  it('emits no code the shared DIAGNOSTIC_KINDS table lacks, from any source file', () => {
    const src = resolve(__dirname, '../../..');
    const written = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter(file => /\.ts$/.test(file) && !/\.test\.ts$/.test(file))
      .flatMap(file =>
        [
          ...readFileSync(join(src, file), 'utf8').matchAll(
            /'(IBS-[A-Z0-9-]+)'/g,
          ),
        ].map(match => match[1]),
      );
    expect(written.length).toBeGreaterThan(20);
    expect(
      [...new Set(written)].filter(code => !(code in DIAGNOSTIC_KINDS)),
    ).toEqual([]);
  });

  it('registers exactly the codes of the shared DIAGNOSTIC_KINDS table', () => {
    expect(Object.keys(DIAGNOSTIC_CODES).sort()).toEqual(
      Object.keys(DIAGNOSTIC_KINDS).sort(),
    );
  });

  it('orders errors, then warnings, then info', () => {
    const order = { error: 0, warning: 1, info: 2 };
    const severities = diagnose(brokenInventory(), brokenMesh()).map(
      d => order[d.severity],
    );
    expect(severities).toEqual([...severities].sort((a, b) => a - b));
  });

  it('is pure: same output twice, inputs untouched, mesh.diagnostics ignored', () => {
    const inventory = brokenInventory();
    const mesh = {
      ...brokenMesh(),
      diagnostics: diagnose(brokenInventory(), brokenMesh()),
    };
    const before = JSON.stringify({ inventory, mesh });
    const first = diagnose(inventory, mesh);
    expect(diagnose(inventory, mesh)).toEqual(first);
    expect(first).toEqual(mesh.diagnostics);
    expect(JSON.stringify({ inventory, mesh })).toBe(before);
  });

  it('uses only registered codes with the IBS- prefix', () => {
    expect(
      Object.keys(DIAGNOSTIC_CODES).every(code =>
        /^IBS-[A-Z0-9-]+$/.test(code),
      ),
    ).toBe(true);
    expect(DIAGNOSTIC_RULES.length).toBe(20);
  });
});
