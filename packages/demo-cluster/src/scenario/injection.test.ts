import type { LabelRequirement } from '../store/labelSelector';
import { matchesLabels, matchesMap } from '../store/labelSelector';
import type { KubeObject } from '../store/types';
import {
  controlPlanesOf,
  injectionContextOf,
  type ControlPlane,
} from './controlPlanes';
import { injectingRevision, type InjectionContext } from './injection';
import { injectorWebhooks } from './injectorWebhooks';
import type { Scenario } from './types';

const INJECTION = 'istio-injection';
const REV = 'istio.io/rev';
const INJECT = 'sidecar.istio.io/inject';

/** default + canary, tag prod-stable → default. */
const TWO: InjectionContext = {
  revisions: ['default', 'canary'],
  tags: { 'prod-stable': 'default' },
  defaultRevision: 'default',
};
/** As TWO after `istioctl tag set default --revision canary`. */
const DEFAULT_TAG: InjectionContext = {
  ...TWO,
  tags: { ...TWO.tags, default: 'canary' },
};
const POD_FIRST: InjectionContext = { ...TWO, preference: 'pod' };

describe('injectingRevision', () => {
  it.each([
    [
      'namespace istio-injection=enabled',
      { [INJECTION]: 'enabled' },
      {},
      TWO,
      'default',
    ],
    [
      '… with a default tag',
      { [INJECTION]: 'enabled' },
      {},
      DEFAULT_TAG,
      'canary',
    ],
    [
      'istio-injection wins over the namespace revision',
      { [INJECTION]: 'enabled', [REV]: 'canary' },
      {},
      TWO,
      'default',
    ],
    [
      'istio-injection wins over the pod revision',
      { [INJECTION]: 'enabled' },
      { [REV]: 'canary' },
      TWO,
      'default',
    ],
    [
      '… also when the pod label is preferred',
      { [INJECTION]: 'enabled' },
      { [REV]: 'canary' },
      POD_FIRST,
      'default',
    ],
    [
      'istio-injection=disabled',
      { [INJECTION]: 'disabled' },
      { [REV]: 'canary', [INJECT]: 'true' },
      TWO,
      undefined,
    ],
    ['namespace revision', { [REV]: 'canary' }, {}, TWO, 'canary'],
    ['namespace revision tag', { [REV]: 'prod-stable' }, {}, TWO, 'default'],
    [
      'namespace istio.io/rev=default with a default tag',
      { [REV]: 'default' },
      {},
      DEFAULT_TAG,
      'canary',
    ],
    [
      'namespace revision beats the pod revision',
      { [REV]: 'canary' },
      { [REV]: 'default' },
      TWO,
      'canary',
    ],
    [
      'pod revision beats the namespace revision when preferred',
      { [REV]: 'canary' },
      { [REV]: 'prod-stable' },
      POD_FIRST,
      'default',
    ],
    [
      'pod revision without namespace labels',
      {},
      { [REV]: 'canary' },
      TWO,
      'canary',
    ],
    ['pod revision tag', {}, { [REV]: 'prod-stable' }, TWO, 'default'],
    [
      'pod sidecar.istio.io/inject=true',
      {},
      { [INJECT]: 'true' },
      TWO,
      'default',
    ],
    ['… with a default tag', {}, { [INJECT]: 'true' }, DEFAULT_TAG, 'canary'],
    [
      'pod revision beats inject=true',
      {},
      { [INJECT]: 'true', [REV]: 'canary' },
      TWO,
      'canary',
    ],
    [
      'pod inject=false in an enabled namespace',
      { [INJECTION]: 'enabled' },
      { [INJECT]: 'false' },
      TWO,
      undefined,
    ],
    [
      'pod inject=false with a revision',
      { [REV]: 'canary' },
      { [INJECT]: 'false' },
      TWO,
      undefined,
    ],
    ['unknown namespace revision', { [REV]: 'nope' }, {}, TWO, undefined],
    ['unknown pod revision', {}, { [REV]: 'nope' }, TWO, undefined],
    [
      'unknown pod revision preferred over a known namespace one',
      { [REV]: 'canary' },
      { [REV]: 'nope' },
      POD_FIRST,
      undefined,
    ],
    ['no labels at all', {}, {}, TWO, undefined],
  ] as Array<[string, Record<string, string>, Record<string, string>, InjectionContext, string | undefined]>)(
    '%s',
    (_name, namespaceLabels, podLabels, context, expected) => {
      expect(injectingRevision(namespaceLabels, podLabels, context)).toBe(
        expected,
      );
    },
  );
});

/** Whether a webhook's `namespaceSelector`/`objectSelector` (matchLabels, matchExpressions) matches. */
function selects(
  selector: {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{
      key: string;
      operator: string;
      values?: string[];
    }>;
  },
  labels: Record<string, string>,
): boolean {
  const ops: Record<string, LabelRequirement['op']> = {
    In: 'in',
    NotIn: 'notin',
    Exists: 'exists',
    DoesNotExist: '!exists',
  };
  const requirements = (selector.matchExpressions ?? []).map(
    e =>
      ({
        key: e.key,
        op: ops[e.operator],
        values: e.values ?? [],
      } as LabelRequirement),
  );
  return (
    matchesMap(selector.matchLabels, labels) &&
    matchesLabels(requirements, labels)
  );
}

/** The istiods the API server would call for a pod: one entry per matching webhook. */
function calledIstiods(
  webhooks: KubeObject[],
  namespaceLabels: Record<string, string>,
  podLabels: Record<string, string>,
): string[] {
  return webhooks.flatMap(configuration =>
    (configuration.webhooks as any[])
      .filter(
        w =>
          selects(w.namespaceSelector, namespaceLabels) &&
          selects(w.objectSelector, podLabels),
      )
      .map(w => w.clientConfig.service.name as string),
  );
}

function planesOf(istio: Partial<Scenario['istio']>): ControlPlane[] {
  return controlPlanesOf({
    name: 't',
    kubernetesVersion: 'v1.33.2',
    auth: { tokens: [] },
    namespaces: [],
    istio: { version: '1.26.4', installMethod: 'helm', ...istio },
  });
}

const NAMESPACE_LABELS: Array<Record<string, string>> = [
  {},
  { [INJECTION]: 'enabled' },
  { [INJECTION]: 'disabled' },
  { [REV]: 'canary' },
  { [REV]: 'default' },
  { [REV]: 'prod-stable' },
  { [REV]: 'nope' },
  { [INJECTION]: 'enabled', [REV]: 'canary' },
];
const POD_LABELS: Array<Record<string, string>> = [
  {},
  { [INJECT]: 'true' },
  { [INJECT]: 'false' },
  { [REV]: 'canary' },
  { [REV]: 'default' },
  { [REV]: 'prod-stable' },
  { [REV]: 'nope' },
  { [REV]: 'canary', [INJECT]: 'false' },
  { [REV]: 'canary', [INJECT]: 'true' },
];

describe.each([
  [
    'a canary and a tag',
    { tags: ['prod-stable'], revisions: [{ name: 'canary' }] },
  ],
  [
    'a default tag on the canary',
    {
      tags: ['prod-stable'],
      revisions: [{ name: 'canary', tags: ['default'] }],
    },
  ],
  [
    'pod labels preferred',
    {
      tags: ['prod-stable'],
      injectorValues: {
        sidecarInjectorWebhook: { revisionLabelPreference: 'pod' },
      },
      revisions: [{ name: 'canary' }],
    },
  ],
] as Array<[string, Partial<Scenario['istio']>]>)(
  'the generated webhooks (%s)',
  (_name, istio) => {
    const planes = planesOf(istio);
    const context = injectionContextOf(planes);
    const webhooks = injectorWebhooks(planes, context, 'istio-system');

    it('call exactly the istiod injectingRevision names, never two', () => {
      for (const namespaceLabels of NAMESPACE_LABELS) {
        for (const podLabels of POD_LABELS) {
          const revision = injectingRevision(
            namespaceLabels,
            podLabels,
            context,
          );
          const expected =
            revision === undefined
              ? []
              : [revision === 'default' ? 'istiod' : `istiod-${revision}`];
          expect({
            namespaceLabels,
            podLabels,
            called: calledIstiods(webhooks, namespaceLabels, podLabels),
          }).toEqual({
            namespaceLabels,
            podLabels,
            called: expected,
          });
        }
      }
    });
  },
);

describe('injectorWebhooks', () => {
  it('makes one configuration per revision and per tag, labelled as istioctl does', () => {
    const planes = planesOf({
      tags: ['prod-stable'],
      revisions: [{ name: 'canary', version: '1.27.3', tags: ['default'] }],
    });
    const webhooks = injectorWebhooks(
      planes,
      injectionContextOf(planes),
      'istio-system',
    );
    expect(
      webhooks.map(w => [
        w.metadata.name,
        w.metadata.labels?.[REV],
        w.metadata.labels?.['istio.io/tag'],
      ]),
    ).toEqual([
      ['istio-sidecar-injector', 'default', undefined],
      ['istio-sidecar-injector-canary', 'canary', undefined],
      ['istio-revision-tag-prod-stable', 'default', 'prod-stable'],
      ['istio-revision-tag-default', 'canary', 'default'],
    ]);
    // The default revision's own entries are deactivated by the default tag.
    for (const w of webhooks[0].webhooks as any[])
      expect(w.namespaceSelector).toEqual({
        matchLabels: { 'istio.io/deactivated': 'never-match' },
      });
    expect((webhooks[3].webhooks as any[]).map(w => w.name)).toEqual([
      'rev.namespace.sidecar-injector.istio.io',
      'rev.object.sidecar-injector.istio.io',
      'namespace.sidecar-injector.istio.io',
      'object.sidecar-injector.istio.io',
    ]);
    expect((webhooks[3].webhooks as any[])[0].clientConfig.service).toEqual({
      name: 'istiod-canary',
      namespace: 'istio-system',
      path: '/inject',
      port: 443,
    });
  });
});

describe('controlPlanesOf', () => {
  it('gives a revision the default MeshConfig aimed at its own istiod, and native sidecars from 1.27', () => {
    const [, canary, old] = planesOf({
      meshConfig: {
        defaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012' },
      },
      revisions: [
        { name: 'canary', version: '1.27.3' },
        { name: 'old', version: '1.25.2' },
      ],
    });
    expect(canary.meshConfig).toEqual({
      defaultConfig: {
        discoveryAddress: 'istiod-canary.istio-system.svc:15012',
      },
    });
    expect(canary.nativeSidecars).toBe(true);
    expect(old.nativeSidecars).toBe(false);
    expect(canary.imageTag).toBe('1.27.3');
  });

  it.each([
    [{ revisions: [{ name: 'default' }] }, /'default' names more than one/],
    [{ revisions: [{ name: 'a' }, { name: 'a' }] }, /'a' names more than one/],
    [
      { tags: ['canary'], revisions: [{ name: 'canary' }] },
      /'canary' names more than one/,
    ],
    [{ revisions: [{ name: 'Canary_1' }] }, /not a valid revision or tag name/],
  ] as Array<[Partial<Scenario['istio']>, RegExp]>)(
    'refuses clashing or malformed names (%#)',
    (istio, message) => {
      expect(() => planesOf(istio)).toThrow(message);
    },
  );
});
