import type { KialiExternalService } from '@istio-backstage/plugin-istio-common';
import { parse } from 'yaml';
import { kialiServiceMissing } from './kiali';
import {
  healthyInventory,
  healthyMesh,
  inventoryWith,
  meshWith,
  objectsOf,
  service,
} from './testFixtures';

const kiali = (externalServices: KialiExternalService[], namespace?: string) =>
  meshWith({ kiali: { installed: 'yes', namespace, externalServices } });

const missingPrometheus: KialiExternalService = {
  name: 'prometheus',
  url: 'http://prometheus.gemcloud-monitoring-system:9090',
  exists: 'no-service',
};
const tracingWrongPort: KialiExternalService = {
  name: 'tracing',
  url: 'http://jaeger-query.observability:16690/jaeger',
  exists: 'no-port',
};

describe('IBS-KIALI-SERVICE-MISSING', () => {
  it.each([
    ['a healthy mesh', healthyMesh(), []],
    [
      'Prometheus Service missing and tracing port wrong',
      kiali([missingPrometheus, tracingWrongPort], 'istio-system'),
      [
        'IBS-KIALI-SERVICE-MISSING ConfigMap istio-system/kiali',
        'IBS-KIALI-SERVICE-MISSING ConfigMap istio-system/kiali',
      ],
    ],
    [
      'existence unknown or outside the cluster',
      kiali(
        [
          { ...missingPrometheus, exists: 'unknown' },
          { ...tracingWrongPort, exists: 'external' },
        ],
        'istio-system',
      ),
      [],
    ],
    [
      'Kiali not readable',
      meshWith({ kiali: { installed: 'unknown', externalServices: [] } }),
      [],
    ],
  ])('%s', (_case, mesh, expected) => {
    expect(objectsOf(kialiServiceMissing(healthyInventory(), mesh))).toEqual(
      expected,
    );
  });

  it('names the missing Service and suggests the one that exists', () => {
    const [diagnostic] = kialiServiceMissing(
      healthyInventory(),
      kiali([missingPrometheus], 'istio-system'),
    );
    expect(diagnostic.message).toBe(
      "Kiali external_services.prometheus in ConfigMap istio-system/kiali points at http://prometheus.gemcloud-monitoring-system:9090, but Service gemcloud-monitoring-system/prometheus does not exist: Kiali's prometheus integration does not work.",
    );
    expect(parse(diagnostic.fix.yaml!)).toEqual({
      external_services: {
        prometheus: { url: 'http://prometheus.monitoring:9090' },
      },
    });
  });

  it('keeps the config key the Kiali ConfigMap uses and the URL path', () => {
    const [diagnostic] = kialiServiceMissing(
      inventoryWith({
        configMaps: [
          {
            metadata: { namespace: 'istio-system', name: 'kiali' },
            data: {
              'config.yaml': `external_services:\n  tracing:\n    in_cluster_url: ${tracingWrongPort.url}\n`,
            },
          },
        ],
      }),
      kiali([tracingWrongPort], 'istio-system'),
    );
    expect(diagnostic.message).toContain(
      'Service observability/jaeger-query has no port 16690',
    );
    expect(parse(diagnostic.fix.yaml!)).toEqual({
      external_services: {
        tracing: {
          in_cluster_url: 'http://jaeger-query.observability:16685/jaeger',
        },
      },
    });
  });

  it('gives no YAML when no candidate Service exists, and defaults to internal_url', () => {
    const noCandidate = kialiServiceMissing(
      inventoryWith({ services: [service('shop', 'cart', [80])] }),
      kiali([
        {
          name: 'grafana',
          url: 'http://grafana.grafana:3000',
          exists: 'no-service',
        },
      ]),
    );
    expect(noCandidate[0].object).toEqual({ kind: 'ConfigMap', name: 'kiali' });
    expect(noCandidate[0].fix.text).toContain(
      'external_services.grafana.internal_url',
    );
    expect(noCandidate[0].fix.yaml).toBeUndefined();
  });
});
