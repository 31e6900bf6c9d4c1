// DestinationRules are not selected by a Sidecar's hosts: istiod looks one up in the
// client's namespace, the service's and the root namespace. They never add a host;
// one that can never apply to the workloads is a warning.
import type { IstioSidecarWarning } from '@istio-backstage/plugin-istio-common';
import type { DestinationRuleRef, RecommendationInput } from './types';
import { recommendSidecar } from './recommendSidecar';
import {
  BOOKINFO_EDGES,
  NS,
  REVIEWS_V1,
  REVIEWS_V2,
  REVIEWS_V3,
  bookinfoInput,
  edge,
} from './testFixtures';

const REVIEWS = `reviews.${NS}.svc.cluster.local`;
const SVC_12 = 'svc-12.filler-001.svc.cluster.local';

const rule = (
  namespace: string,
  host: string,
  extra: Partial<DestinationRuleRef> = {},
): DestinationRuleRef => ({
  namespace,
  name: `dr-${namespace}`,
  host,
  ...extra,
});

/** reviews' versions (reviews-v2 calls svc-12 in filler-001) with these rules. */
function withRules(
  destinationRules: DestinationRuleRef[],
  extra: Partial<RecommendationInput> = {},
) {
  return recommendSidecar(
    bookinfoInput({
      entityWorkloads: [REVIEWS_V1, REVIEWS_V2, REVIEWS_V3],
      observedEdges: [
        ...BOOKINFO_EDGES,
        edge('reviews-v2', 'filler-001', 'svc-12', 3),
      ],
      destinationRules,
      ...extra,
    }),
  );
}

const neverApplies = (warnings: IstioSidecarWarning[]) =>
  warnings.filter(w => w.code === 'destination-rule-never-applies');

const hostsOf = (result: ReturnType<typeof recommendSidecar>) =>
  result.recommendation!.egress.map(e => e.host);

describe('DestinationRules of called hosts', () => {
  it('warns about one in another namespace, and adds no host for it', () => {
    const result = withRules([rule('routing', SVC_12)]);
    expect(hostsOf(result).some(h => h.startsWith('routing/'))).toBe(false);
    const [warning, ...more] = neverApplies(result.warnings);
    expect(more).toEqual([]);
    expect(warning).toMatchObject({
      code: 'destination-rule-never-applies',
      workload: 'reviews-v2',
    });
    expect(warning.message).toContain(
      `DestinationRule routing/dr-routing (host ${SVC_12}) never applies to reviews-v2`,
    );
    expect(warning.message).toContain(
      `the client's namespace (${NS}), the service's (filler-001) and the root namespace (istio-system)`,
    );
  });

  it.each<[string, DestinationRuleRef]>([
    ["the service's namespace", rule('filler-001', SVC_12)],
    ["the client's namespace", rule(NS, SVC_12, { exportTo: ['.'] })],
    [
      'the root namespace',
      rule('istio-system', '*.filler-001.svc.cluster.local'),
    ],
    ["the service's namespace, by short name", rule('filler-001', 'svc-12')],
  ])('does not warn about one in %s', (_, dr) => {
    const result = withRules([dr]);
    expect(neverApplies(result.warnings)).toEqual([]);
    expect(hostsOf(result).some(h => h.startsWith('routing/'))).toBe(false);
  });

  it.each<[string, DestinationRuleRef]>([
    [
      "the service's namespace, exported to it only",
      rule('filler-001', SVC_12, { exportTo: ['.'] }),
    ],
    [
      'the root namespace, exported elsewhere',
      rule('istio-system', SVC_12, { exportTo: ['other'] }),
    ],
    [
      "the service's namespace, with a workloadSelector",
      rule('filler-001', SVC_12, { workloadSelector: { app: 'svc-12' } }),
    ],
  ])('warns about one in %s', (_, dr) => {
    expect(neverApplies(withRules([dr]).warnings)).toHaveLength(1);
  });

  it('follows the MeshConfig default exportTo for rules that set none', () => {
    const dr = rule('filler-001', SVC_12);
    expect(
      neverApplies(
        withRules([dr], { exportToDefaults: { destinationRule: ['.'] } })
          .warnings,
      ),
    ).toHaveLength(1);
  });

  it('warns about a rule for an own-namespace host kept elsewhere, for every caller', () => {
    const result = recommendSidecar(
      bookinfoInput({ destinationRules: [rule('routing', REVIEWS)] }),
    );
    const [warning] = neverApplies(result.warnings);
    // productpage calls reviews: its host is in ./* and its rule in routing.
    expect(warning).toMatchObject({ workload: 'productpage-v1' });
    expect(hostsOf(result).some(h => h.startsWith('routing/'))).toBe(false);
  });

  it('ignores rules for hosts no workload calls', () => {
    const result = withRules([rule('routing', 'unrelated.example.com')]);
    expect(neverApplies(result.warnings)).toEqual([]);
  });
});
