import type {
  IstioControlPlane,
  IstioProxyMemory,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import { englishT } from '../__testUtils__/translation';
import {
  describeMeshStatus,
  describeSupport,
  describeUnknown,
  summarizeMeshStatus,
} from './meshStatus';

const t = englishT();

/** A calendar day in the user's locale, as the browser formats it. */
const day = (iso: string) =>
  new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(new Date(`${iso}T00:00:00Z`));

type Item = IstioSidecarMemoryResponse['items'][number];

function proxy(
  pod: string,
  proxyKind: IstioProxyMemory['proxyKind'],
): IstioProxyMemory {
  return { cluster: 'demo', namespace: 'shop', pod, proxyKind };
}

function item(overrides: Partial<Item>): Item {
  return {
    cluster: 'demo',
    namespace: 'shop',
    windowDays: 7,
    proxies: [],
    sidecarsInForce: [],
    warnings: [],
    errors: [],
    ...overrides,
  };
}

describe('summarizeMeshStatus', () => {
  it('counts pods by data-plane mode across clusters', () => {
    const summary = summarizeMeshStatus({
      items: [
        item({
          proxies: [
            proxy('a', 'sidecar'),
            proxy('b', 'native-sidecar'),
            proxy('c', 'none'),
          ],
        }),
        item({
          cluster: 'eu',
          proxies: [proxy('d', 'ambient'), proxy('e', 'gateway')],
        }),
      ],
      errors: [],
    });
    expect(summary).toEqual({
      pods: 5,
      inMesh: 4,
      sidecar: 2,
      ambient: 1,
      gateway: 1,
      none: 1,
      clusters: ['demo', 'eu'],
      unknown: [],
    });
    expect(describeMeshStatus(t, summary)).toBe(
      '4 of 5 pods in the mesh: 2 sidecar, 1 ambient, 1 gateway, 1 not in mesh',
    );
  });

  it('reports failed clusters and unreadable namespaces as unknown, not as out of the mesh', () => {
    const summary = summarizeMeshStatus({
      items: [
        item({
          errors: [
            {
              source: 'kubernetes:pods',
              errorType: 'Forbidden',
              message: 'pods is forbidden',
            },
          ],
        }),
      ],
      errors: [
        {
          cluster: 'eu',
          source: 'kubernetes',
          errorType: 'Timeout',
          message: 'no answer before the deadline',
        },
      ],
    });
    expect(summary.pods).toBe(0);
    expect(summary.none).toBe(0);
    expect(summary.clusters).toEqual([]);
    expect(summary.unknown.map(u => describeUnknown(t, u))).toEqual([
      'unknown in eu (Timeout: no answer before the deadline)',
      'unknown in demo/shop (Forbidden: pods is forbidden)',
    ]);
  });

  it('says "pod" for a single pod', () => {
    const summary = summarizeMeshStatus({
      items: [item({ proxies: [proxy('a', 'sidecar')] })],
      errors: [],
    });
    expect(describeMeshStatus(t, summary)).toBe(
      '1 of 1 pod in the mesh: 1 sidecar',
    );
  });
});

describe('describeSupport', () => {
  const plane = (
    support: IstioControlPlane['support'],
    version?: string,
  ): IstioControlPlane => ({
    revision: 'default',
    namespace: 'istio-system',
    installMethod: 'helm',
    support,
    ...(version ? { version } : {}),
  });

  it.each([
    [
      plane({ verdict: 'supported', reasons: [] }, '1.27.3'),
      'v1.33.2',
      { level: 'ok', text: 'Istio 1.27.3 on Kubernetes v1.33.2: supported' },
    ],
    [
      plane(
        { verdict: 'unsupported', reasons: ['Istio 1.22 reached end of life'] },
        '1.22.0',
      ),
      'v1.33.2',
      {
        level: 'error',
        text: 'Istio 1.22.0 on Kubernetes v1.33.2: unsupported — Istio 1.22 reached end of life',
      },
    ],
    [
      plane(
        {
          verdict: 'check',
          reasons: [
            "Istio 1.30's end of life was expected around 2026-11-30 and has likely passed; check istio.io's supported releases",
          ],
          endOfLife: '2026-11-30',
          endOfLifeExpected: true,
          matrixAsOf: '2026-11-01',
        },
        '1.30.1',
      ),
      'v1.33.2',
      {
        level: 'warning',
        text: `Istio 1.30.1 on Kubernetes v1.33.2: likely end of life — check: Istio 1.30's end of life was expected around ${day(
          '2026-11-30',
        )} and has likely passed; check istio.io's supported releases (support matrix as of ${day(
          '2026-11-01',
        )})`,
      },
    ],
    [
      plane({ verdict: 'check', reasons: [], endOfLife: '2026-11-30' }),
      'v1.33.2',
      {
        level: 'warning',
        text: `Istio unknown on Kubernetes v1.33.2: likely end of life — check: end of life expected around ${day(
          '2026-11-30',
        )}`,
      },
    ],
    [
      plane(
        {
          verdict: 'supported',
          reasons: [],
          endOfLife: '2026-11-30',
          endOfLifeExpected: true,
          matrixAsOf: '2026-11-01',
        },
        '1.30.1',
      ),
      'v1.33.2',
      {
        level: 'ok',
        text: `Istio 1.30.1 on Kubernetes v1.33.2: supported — end of life expected around ${day(
          '2026-11-30',
        )} (support matrix as of ${day('2026-11-01')})`,
      },
    ],
    [
      plane({ verdict: 'unknown', reasons: ['version not read'] }),
      undefined,
      {
        level: 'warning',
        text: 'Istio unknown on Kubernetes unknown: unknown — version not read',
      },
    ],
  ])('%#', (p, kubernetes, expected) => {
    expect(describeSupport(t, p, kubernetes)).toEqual(expected);
  });
});
