// A workload-scoped recommendation selects the entity by the label its pods are
// matched with, so the next version deployed is scoped too.
import { parseAllDocuments } from 'yaml';
import type { IstioSidecarWarning } from '@istio-backstage/plugin-istio-common';
import { selectorMatches } from '../mesh/dataPlane';
import type {
  EntityScope,
  RecommendationInput,
  SidecarObject,
  WorkloadInfo,
} from './types';
import { recommendSidecar, withRecommendedSidecars } from './recommendSidecar';
import { sidecarInForce } from './visibility';
import { differingHosts, entitySelectorChoice } from './entityScope';
import {
  BOOKINFO_EDGES,
  BOOKINFO_WORKLOADS,
  JAEGER_HOST,
  NS,
  PRODUCTPAGE,
  bookinfoInput,
  edge,
  workload,
} from './testFixtures';

const ID = 'backstage.io/kubernetes-id';
const FILLER_HOST = 'svc-12.filler-001.svc.cluster.local';

/** A bookinfo workload labelled with its entity's id, as the demo's pods are. */
const labelled = (w: WorkloadInfo, id: string): WorkloadInfo => ({
  ...w,
  labels: { ...w.labels, [ID]: id },
});
const reviews = (version: string) =>
  labelled(
    workload(`reviews-${version}`, { app: 'reviews', version }),
    'reviews',
  );
const [V1, V2, V3] = ['v1', 'v2', 'v3'].map(reviews);
const NAMESPACE = [
  labelled(PRODUCTPAGE, 'productpage'),
  ...BOOKINFO_WORKLOADS.filter(w => !w.name.startsWith('reviews')).map(w =>
    labelled(w, w.labels.app),
  ),
  V1,
  V2,
  V3,
];
const ENTITY: EntityScope = {
  name: 'reviews',
  labelSelector: `${ID}=reviews`,
  matchLabels: { [ID]: 'reviews' },
};

function forReviews(extra: Partial<RecommendationInput> = {}) {
  return recommendSidecar(
    bookinfoInput({
      entity: ENTITY,
      entityWorkloads: [V1, V2, V3],
      namespaceWorkloads: NAMESPACE,
      ...extra,
    }),
  );
}

const codes = (warnings: IstioSidecarWarning[]) => warnings.map(w => w.code);

describe('entity-scoped Sidecars', () => {
  it('recommends one Sidecar for versions v1/v2/v3 selecting the entity label, which selects a new v4 pod too', () => {
    const result = forReviews();
    const rec = result.recommendation!;
    expect(rec.scope).toBe('workload');
    expect(rec.objects).toEqual([
      {
        name: 'reviews',
        workloadSelector: { [ID]: 'reviews' },
        hosts: ['./*', 'istio-system/*', `observability/${JAEGER_HOST}`],
      },
    ]);
    expect(codes(result.warnings)).not.toContain('per-workload-sidecars');
    // A version deployed later carries the entity's label (its pods are found by it).
    const v4 = reviews('v4');
    expect(selectorMatches(rec.objects[0].workloadSelector!, v4.labels)).toBe(
      true,
    );
    const applied = withRecommendedSidecars([], NS, rec.objects);
    expect(sidecarInForce(applied, v4, 'istio-system')?.name).toBe('reviews');
    // …and nothing that is not the entity's.
    for (const w of NAMESPACE.filter(x => !x.name.startsWith('reviews')))
      expect(sidecarInForce(applied, w, 'istio-system')).toBeUndefined();
    const [doc] = parseAllDocuments(rec.yaml);
    expect(doc.toJS().spec.workloadSelector.labels).toEqual({
      [ID]: 'reviews',
    });
    expect(rec.yaml).toContain(
      `# Sidecar for entity reviews in ${NS}: every pod labelled ${ID}=reviews, versions deployed later too (now reviews-v1, reviews-v2, reviews-v3)`,
    );
  });

  it('names a single-workload entity after the entity', () => {
    const productpage = labelled(PRODUCTPAGE, 'productpage');
    const rec = recommendSidecar(
      bookinfoInput({
        entity: {
          name: 'productpage',
          labelSelector: `${ID}=productpage`,
          matchLabels: { [ID]: 'productpage' },
        },
        entityWorkloads: [productpage],
        namespaceWorkloads: NAMESPACE,
      }),
    ).recommendation!;
    expect(rec.objects.map(o => [o.name, o.workloadSelector])).toEqual([
      ['productpage', { [ID]: 'productpage' }],
    ]);
  });

  it('keeps per-version Sidecars when the versions call different things, and says so', () => {
    const result = forReviews({
      observedEdges: [
        ...BOOKINFO_EDGES,
        edge('reviews-v2', 'filler-001', 'svc-12', 3),
      ],
    });
    const rec = result.recommendation!;
    expect(rec.objects.map(o => [o.name, o.workloadSelector])).toEqual([
      ['reviews-v1', { app: 'reviews', version: 'v1' }],
      ['reviews-v2', { app: 'reviews', version: 'v2' }],
      ['reviews-v3', { app: 'reviews', version: 'v3' }],
    ]);
    const warning = result.warnings.find(
      w => w.code === 'per-workload-sidecars',
    )!;
    expect(warning.message).toContain(
      `its workloads call different things (filler-001/${FILLER_HOST} only for some of reviews-v1, reviews-v2, reviews-v3)`,
    );
    expect(warning.message).toContain('a workload deployed later');
  });

  it('calls differences only what the Sidecars would hold: calls inside ./* are alike', () => {
    // reviews-v2 and v3 call ratings, v1 does not; ratings is in ./* for all.
    expect(codes(forReviews().warnings)).not.toContain('per-workload-sidecars');
    expect(
      differingHosts([V1, V2], w => (w === 'reviews-v2' ? ['a/x'] : [])),
    ).toEqual(['a/x']);
  });

  it("falls back to per-workload selectors, saying why, when the entity's label selects other entities' pods", () => {
    const loadTest = labelled(
      workload('reviews-loadtest', { app: 'reviews-loadtest' }),
      'reviews',
    );
    const result = forReviews({
      namespaceWorkloads: [...NAMESPACE, loadTest],
    });
    expect(result.recommendation!.objects.map(o => o.name)).toEqual([
      'reviews-v1',
      'reviews-v2',
      'reviews-v3',
    ]);
    const warning = result.warnings.find(
      w => w.code === 'per-workload-sidecars',
    )!;
    expect(warning.message).toContain(
      `the entity's labels ${ID}=reviews also select pods of reviews-loadtest in ${NS}, which are not this entity's`,
    );
  });

  it("checks every pod: one pod of another workload with the entity's label is enough", () => {
    const ratings = labelled(
      workload('ratings-v1', { app: 'ratings', version: 'v1' }),
      'ratings',
    );
    const relabelled: WorkloadInfo = {
      ...ratings,
      pods: ['ratings-v1-a', 'ratings-v1-b'],
      podLabels: [ratings.labels, { ...ratings.labels, [ID]: 'reviews' }],
    };
    const choice = entitySelectorChoice(
      bookinfoInput({
        entity: ENTITY,
        entityWorkloads: [V1, V2, V3],
        namespaceWorkloads: [V1, V2, V3, relabelled],
      }),
      [V1, V2, V3],
    );
    expect(choice.labels).toBeUndefined();
    expect(choice.why).toContain('also select pods of ratings-v1');
  });

  it('falls back when the entity is matched with a set-based selector', () => {
    const result = forReviews({
      entity: { name: 'reviews', labelSelector: 'app=reviews,version!=v0' },
    });
    expect(result.recommendation!.objects).toHaveLength(3);
    expect(
      result.warnings.find(w => w.code === 'per-workload-sidecars')!.message,
    ).toContain('set-based requirements');
  });

  it('replaces an entity Sidecar in place, and asks to delete older per-version ones that would keep precedence', () => {
    const old = (version: string): SidecarObject => ({
      name: `reviews-${version}`,
      namespace: NS,
      workloadSelector: { app: 'reviews', version },
      hosts: ['./*'],
      creationTimestamp: '2024-01-01T00:00:00Z',
    });
    const entitySidecar: SidecarObject = {
      name: 'reviews-scope',
      namespace: NS,
      workloadSelector: { [ID]: 'reviews' },
      hosts: ['./*'],
      outboundTrafficPolicy: 'REGISTRY_ONLY',
      creationTimestamp: '2024-06-01T00:00:00Z',
    };
    const result = forReviews({
      sidecars: [old('v1'), old('v2'), entitySidecar],
    });
    const rec = result.recommendation!;
    expect(rec.objects.map(o => o.name)).toEqual(['reviews-scope']);
    expect(rec.yaml).toContain('mode: REGISTRY_ONLY');
    const messages = result.warnings
      .filter(w => w.code === 'existing-sidecar')
      .map(w => w.message);
    expect(messages).toEqual([
      expect.stringMatching(
        /^Sidecar istio-demo\/reviews-scope .* applies to reviews-v3 now; the recommendation replaces it/,
      ),
      expect.stringMatching(
        /^Sidecar istio-demo\/reviews-v1 .* applies to reviews-v1 now; it selects only this entity's workloads.*delete it once the recommended Sidecar is applied/,
      ),
      expect.stringMatching(
        /^Sidecar istio-demo\/reviews-v2 .* applies to reviews-v2 now;/,
      ),
    ]);
  });

  it('keeps an existing entity Sidecar when versions start to differ, with the union of their hosts', () => {
    const existing: SidecarObject = {
      name: 'reviews',
      namespace: NS,
      workloadSelector: { [ID]: 'reviews' },
      hosts: ['./*'],
      creationTimestamp: '2024-06-01T00:00:00Z',
    };
    const result = forReviews({
      sidecars: [existing],
      observedEdges: [
        ...BOOKINFO_EDGES,
        edge('reviews-v2', 'filler-001', 'svc-12', 3),
      ],
    });
    expect(result.recommendation!.objects).toEqual([
      expect.objectContaining({
        name: 'reviews',
        workloadSelector: { [ID]: 'reviews' },
        hosts: expect.arrayContaining([`filler-001/${FILLER_HOST}`]),
      }),
    ]);
    expect(codes(result.warnings)).not.toContain('per-workload-sidecars');
  });
});
