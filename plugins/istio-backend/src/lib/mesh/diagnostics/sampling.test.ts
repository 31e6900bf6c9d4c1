import type { IstioMeshConfig } from '@istio-backstage/plugin-istio-common';
import { parse } from 'yaml';
import type { MeshInventory } from '../inventory';
import { fullSamplingInLargeMesh, samplingWrittenAsFraction } from './sampling';
import {
  analysedMesh,
  deployment,
  healthyInventory,
  inventoryWith,
  meshConfigMap,
  objectsOf,
  revisionsInventory,
  telemetry,
  tracingTelemetry,
} from './testFixtures';

/** The mesh model of an inventory, with `proxies` proxies. */
const withProxies = (
  inventory: MeshInventory,
  proxies: number | undefined,
): IstioMeshConfig => {
  const mesh = analysedMesh(inventory);
  return { ...mesh, meshSize: { ...mesh.meshSize, proxies } };
};

const legacySampling = (sampling: number, extra = '') =>
  `${extra}defaultConfig:\n  tracing:\n    sampling: ${sampling}\n    zipkin:\n      address: jaeger-collector.observability:9411\n`;

const rootAt = (percent: number) =>
  inventoryWith({
    telemetries: [telemetry('istio-system', 'mesh-default', percent)],
  });

const legacyAt = (percent: number, extra = '') =>
  revisionsInventory(
    [{ revision: 'default', meshYaml: legacySampling(percent, extra) }],
    { telemetries: [] },
  );

describe('IBS-TRACING-FULL-SAMPLING', () => {
  it.each([
    ['a healthy mesh (5 %)', healthyInventory(), 500, []],
    [
      '100 % in 150 proxies, set in the root Telemetry',
      rootAt(100),
      150,
      ['IBS-TRACING-FULL-SAMPLING Telemetry istio-system/mesh-default'],
    ],
    [
      '100 % in 100 proxies, set in MeshConfig',
      legacyAt(100),
      100,
      ['IBS-TRACING-FULL-SAMPLING ConfigMap istio-system/istio'],
    ],
    ['100 % in 99 proxies', rootAt(100), 99, []],
    ['50 % in 500 proxies', rootAt(50), 500, []],
    ['proxy count unknown', rootAt(100), undefined, []],
    [
      'tracing off (legacy tracer, enableTracing false)',
      legacyAt(100, 'enableTracing: false\n'),
      500,
      [],
    ],
    [
      'sampling unknown (Telemetries unreadable)',
      inventoryWith({ telemetries: undefined }),
      500,
      [],
    ],
  ])('%s', (_case, inventory, proxies, expected) => {
    expect(
      objectsOf(
        fullSamplingInLargeMesh(inventory, withProxies(inventory, proxies)),
      ),
    ).toEqual(expected);
  });

  it("judges each revision's own sampling and names the revision", () => {
    const inventory = revisionsInventory(
      [
        { revision: 'default', meshYaml: legacySampling(5) },
        { revision: 'canary', meshYaml: legacySampling(100) },
      ],
      { telemetries: [] },
    );
    const [diagnostic, ...others] = fullSamplingInLargeMesh(
      inventory,
      withProxies(inventory, 300),
    );
    expect(others).toEqual([]);
    expect(diagnostic.object).toEqual({
      kind: 'ConfigMap',
      namespace: 'istio-system',
      name: 'istio-canary',
    });
    expect(diagnostic.message).toContain(
      "Tracing of revision 'canary' samples 100 % of requests, set in ConfigMap istio-system/istio-canary (mesh: defaultConfig.tracing.sampling)",
    );
    expect(parse(diagnostic.fix.yaml!).spec).toEqual({
      revision: 'canary',
      meshConfig: { defaultConfig: { tracing: { sampling: 1 } } },
    });
  });

  it('keeps the Telemetry providers and sets 1 %', () => {
    const inventory = rootAt(100);
    const [diagnostic] = fullSamplingInLargeMesh(
      inventory,
      withProxies(inventory, 150),
    );
    expect(diagnostic.message).toContain(
      "Tracing of revision 'default' samples 100 % of requests, set in Telemetry istio-system/mesh-default (spec.tracing[0].randomSamplingPercentage), in a mesh of 150 proxies",
    );
    expect(parse(diagnostic.fix.yaml!).spec).toEqual({
      tracing: [
        { providers: [{ name: 'zipkin' }], randomSamplingPercentage: 1 },
      ],
    });
  });
});

const withMeshYaml = (yaml: string): MeshInventory =>
  inventoryWith({ configMaps: [meshConfigMap(yaml)], telemetries: [] });

const istiodWithSampling = (value: string) =>
  inventoryWith({
    telemetries: [],
    deployments: [
      deployment('istio-system', 'istiod', {
        labels: { app: 'istiod' },
        container: {
          name: 'discovery',
          image: 'docker.io/istio/pilot:1.30.1',
          env: [{ name: 'PILOT_TRACE_SAMPLING', value }],
        },
      }),
    ],
  });

const fraction = (inventory: MeshInventory) =>
  objectsOf(samplingWrittenAsFraction(inventory, analysedMesh(inventory)));

describe('IBS-TRACING-SAMPLING-FRACTION', () => {
  it.each([
    ['a healthy mesh (5 %)', healthyInventory(), []],
    [
      'sampling: 1.0 (meant as 100 %) in MeshConfig',
      withMeshYaml('defaultConfig:\n  tracing:\n    sampling: 1.0\n'),
      ['IBS-TRACING-SAMPLING-FRACTION ConfigMap istio-system/istio'],
    ],
    [
      'randomSamplingPercentage 0.5 in a namespace Telemetry (a percentage by name)',
      inventoryWith({ telemetries: [telemetry('istio-demo', 'tracing', 0.5)] }),
      [],
    ],
    [
      'randomSamplingPercentage 1.0 in the root Telemetry (a percentage by name)',
      rootAt(1.0),
      [],
    ],
    [
      'PILOT_TRACE_SAMPLING=0.5 on istiod',
      istiodWithSampling('0.5'),
      ['IBS-TRACING-SAMPLING-FRACTION Deployment istio-system/istiod'],
    ],
    [
      'PILOT_TRACE_SAMPLING=1 on istiod (the chart default, written by nobody)',
      istiodWithSampling('1'),
      [],
    ],
    [
      'sampling 0 (off)',
      withMeshYaml('defaultConfig:\n  tracing:\n    sampling: 0\n'),
      [],
    ],
    [
      'sampling 50',
      withMeshYaml('defaultConfig:\n  tracing:\n    sampling: 50\n'),
      [],
    ],
    [
      'default sampling (not written)',
      withMeshYaml(
        'defaultConfig:\n  tracing:\n    zipkin:\n      address: z:9411\n',
      ),
      [],
    ],
    ['invalid mesh YAML', withMeshYaml('defaultConfig: [unclosed'), []],
    [
      'ConfigMaps, Telemetries and Deployments unreadable',
      inventoryWith({
        configMaps: undefined,
        telemetries: undefined,
        deployments: undefined,
      }),
      [],
    ],
  ])('%s', (_case, inventory, expected) => {
    expect(fraction(inventory)).toEqual(expected);
  });

  it("flags the revision's own MeshConfig, not the default one's", () => {
    const inventory = revisionsInventory(
      [
        { revision: 'default', meshYaml: legacySampling(10) },
        { revision: 'canary', meshYaml: legacySampling(1) },
      ],
      {
        telemetries: [
          tracingTelemetry('istio-system', 'mesh-default', [
            { randomSamplingPercentage: 0.1 },
          ]),
        ],
      },
    );
    expect(fraction(inventory)).toEqual([
      'IBS-TRACING-SAMPLING-FRACTION ConfigMap istio-system/istio-canary',
    ]);
  });

  it('explains that 1.0 is 1 %, not 100 %', () => {
    const inventory = withMeshYaml(
      'defaultConfig:\n  tracing:\n    sampling: 1.0\n',
    );
    const [diagnostic] = samplingWrittenAsFraction(
      inventory,
      analysedMesh(inventory),
    );
    expect(diagnostic.severity).toBe('info');
    expect(diagnostic.message).toBe(
      "ConfigMap istio-system/istio (revision 'default') sets mesh: defaultConfig.tracing.sampling to 1. Istio reads this as a percentage: 1 % of requests (about 1 in 100) are traced, not 100 %.",
    );
    expect(parse(diagnostic.fix.yaml!).spec).toEqual({
      meshConfig: { defaultConfig: { tracing: { sampling: 100 } } },
    });
  });

  it('says how rare a smaller fraction is', () => {
    const inventory = withMeshYaml(
      'defaultConfig:\n  tracing:\n    sampling: 0.5\n',
    );
    const [diagnostic] = samplingWrittenAsFraction(
      inventory,
      analysedMesh(inventory),
    );
    expect(diagnostic.message).toContain('0.5 % of requests (about 1 in 200)');
  });
});
