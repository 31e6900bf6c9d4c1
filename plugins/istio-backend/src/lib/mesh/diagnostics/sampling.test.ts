import type { MeshInventory } from '../inventory';
import { parse } from 'yaml';
import { fullSamplingInLargeMesh, samplingWrittenAsFraction } from './sampling';
import {
  deployment,
  healthyInventory,
  healthyMesh,
  inventoryWith,
  meshConfigMap,
  meshWith,
  objectsOf,
  telemetry,
} from './testFixtures';

const large = (
  samplingPercent: number | undefined,
  proxies: number | undefined,
) =>
  meshWith({
    tracing: { ...healthyMesh().tracing, samplingPercent },
    meshSize: { ...healthyMesh().meshSize, proxies },
  });

describe('IBS-TRACING-FULL-SAMPLING', () => {
  it.each([
    ['a healthy mesh', healthyInventory(), healthyMesh(), []],
    [
      '100 % in 150 proxies, set in the root Telemetry',
      inventoryWith({
        telemetries: [telemetry('istio-system', 'mesh-default', 100)],
      }),
      large(100, 150),
      ['IBS-TRACING-FULL-SAMPLING Telemetry istio-system/mesh-default'],
    ],
    [
      '100 % in 100 proxies, source not found: the mesh ConfigMap',
      healthyInventory(),
      large(100, 100),
      ['IBS-TRACING-FULL-SAMPLING ConfigMap istio-system/istio'],
    ],
    ['100 % in 99 proxies', healthyInventory(), large(100, 99), []],
    ['50 % in 500 proxies', healthyInventory(), large(50, 500), []],
    ['proxy count unknown', healthyInventory(), large(100, undefined), []],
    ['sampling unknown', healthyInventory(), large(undefined, 500), []],
    [
      'tracing state unknown',
      healthyInventory(),
      meshWith({
        ...large(100, 500),
        tracing: { ...large(100, 500).tracing, enabled: 'unknown' },
      }),
      [],
    ],
  ])('%s', (_case, inventory, mesh, expected) => {
    expect(objectsOf(fullSamplingInLargeMesh(inventory, mesh))).toEqual(
      expected,
    );
  });

  it('keeps the Telemetry providers and sets 1 %', () => {
    const [diagnostic] = fullSamplingInLargeMesh(
      inventoryWith({
        telemetries: [telemetry('istio-system', 'mesh-default', 100)],
      }),
      large(100, 150),
    );
    expect(diagnostic.message).toContain(
      'Tracing samples 100 % of requests, set in Telemetry istio-system/mesh-default (spec.tracing[0].randomSamplingPercentage), in a mesh of 150 proxies',
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

describe('IBS-TRACING-SAMPLING-FRACTION', () => {
  it.each([
    ['a healthy mesh (5 %)', healthyInventory(), []],
    [
      'sampling: 1.0 (meant as 100 %) in MeshConfig',
      withMeshYaml('defaultConfig:\n  tracing:\n    sampling: 1.0\n'),
      ['IBS-TRACING-SAMPLING-FRACTION ConfigMap istio-system/istio'],
    ],
    [
      'a fraction in a namespace Telemetry',
      inventoryWith({ telemetries: [telemetry('istio-demo', 'tracing', 0.5)] }),
      ['IBS-TRACING-SAMPLING-FRACTION Telemetry istio-demo/tracing'],
    ],
    [
      'PILOT_TRACE_SAMPLING=0.5 on istiod',
      inventoryWith({
        telemetries: [],
        deployments: [
          deployment('istio-system', 'istiod', {
            labels: { app: 'istiod' },
            container: {
              name: 'discovery',
              env: [{ name: 'PILOT_TRACE_SAMPLING', value: '0.5' }],
            },
          }),
        ],
      }),
      ['IBS-TRACING-SAMPLING-FRACTION Deployment istio-system/istiod'],
    ],
    [
      'PILOT_TRACE_SAMPLING=1 on istiod (the chart default, written by nobody)',
      inventoryWith({
        telemetries: [],
        deployments: [
          deployment('istio-system', 'istiod', {
            labels: { app: 'istiod' },
            container: {
              name: 'discovery',
              env: [{ name: 'PILOT_TRACE_SAMPLING', value: '1' }],
            },
          }),
        ],
      }),
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
    expect(
      objectsOf(samplingWrittenAsFraction(inventory, healthyMesh())),
    ).toEqual(expected);
  });

  it('explains that 1.0 is 1 %, not 100 %', () => {
    const [diagnostic] = samplingWrittenAsFraction(
      withMeshYaml('defaultConfig:\n  tracing:\n    sampling: 1.0\n'),
      meshWith({
        tracing: {
          ...healthyMesh().tracing,
          configuredIn: 'meshConfig.defaultConfig.tracing',
        },
      }),
    );
    expect(diagnostic.severity).toBe('info');
    expect(diagnostic.message).toBe(
      'ConfigMap istio-system/istio sets mesh: defaultConfig.tracing.sampling to 1. Istio reads this as a percentage: 1 % of requests (about 1 in 100) are traced, not 100 %.',
    );
    expect(parse(diagnostic.fix.yaml!).spec).toEqual({
      meshConfig: { defaultConfig: { tracing: { sampling: 100 } } },
    });
  });

  it('says how rare a smaller fraction is', () => {
    const [diagnostic] = samplingWrittenAsFraction(
      inventoryWith({ telemetries: [telemetry('istio-demo', 'tracing', 0.5)] }),
      healthyMesh(),
    );
    expect(diagnostic.message).toContain('0.5 % of requests (about 1 in 200)');
  });
});
