// The order of an uncached sidecar-memory answer's reads, against the demo cluster: one
// catalog request finds the entity with its dependencies, the entity's annotated
// namespace (or, without an annotation, where its pods were found last time) is read
// alongside its pods, and all of it while the catalog still answers for the providers
// of the APIs it consumes, so a slow catalog and the cluster's reads overlap instead of
// adding up.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import {
  loadScenario,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import knexFactory from 'knex';
import { bookinfoEntities } from '../../__testUtils__/bookinfoEntities';
import { clusterAccessFor } from '../../__testUtils__/startIstioBackend';
import { AppliedSidecarStore } from '../AppliedSidecarStore';
import { createClusterReads } from '../ClusterReads';
import { createSidecarMemoryService } from './createSidecarMemoryService';

jest.setTimeout(60_000);

const METRICS = '/apis/metrics.k8s.io/v1beta1/namespaces/istio-demo/pods';

let demo: DemoCluster;
beforeAll(async () => {
  demo = await startDemoCluster({
    scenario: { ...loadScenario('default'), memoryConvergenceSeconds: 0 },
    port: 0,
    metricsPort: 0,
  });
});
afterAll(() => demo?.stop());
afterEach(() => demo.setFaults([]));

/** A promise and the function that settles it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>(resolve => {
    open = resolve;
  });
  return { open, opened };
}

/**
 * The bookinfo catalog where productpage also consumes an API that ratings provides,
 * with the lookup of API providers held until `release` is called; counts each kind of
 * catalog request.
 */
function catalogHoldingProviders() {
  const ratingsApi: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'ratings-api', namespace: 'default' },
    spec: {},
    relations: [
      { type: 'apiConsumedBy', targetRef: 'component:default/productpage' },
      { type: 'apiProvidedBy', targetRef: 'component:default/ratings' },
    ],
  };
  const catalog = catalogServiceMock({
    entities: [...bookinfoEntities, ratingsApi],
  });
  const providers = gate();
  const calls = { getEntityByRef: 0, getEntities: 0, getEntitiesByRefs: 0 };
  const holding: Pick<
    CatalogService,
    'getEntityByRef' | 'getEntitiesByRefs' | 'getEntities'
  > = {
    getEntityByRef: async (ref, options) => {
      calls.getEntityByRef++;
      return catalog.getEntityByRef(ref, options);
    },
    getEntities: async (request, options) => {
      calls.getEntities++;
      return catalog.getEntities(request, options);
    },
    getEntitiesByRefs: async (request, options) => {
      calls.getEntitiesByRefs++;
      await providers.opened;
      return catalog.getEntitiesByRefs(request, options);
    },
  };
  return {
    catalog: holding as CatalogService,
    release: providers.open,
    calls,
  };
}

async function until(condition: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline)
    await new Promise(resolve => setTimeout(resolve, 20));
  return condition();
}

/** The sidecar-memory service on the demo cluster and `catalog`, with its own store. */
async function serviceWith(catalog: CatalogService) {
  const clusters = clusterAccessFor([
    { name: 'demo', demo, token: 'demo-writer-token' },
  ]);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const logger = mockServices.logger.mock();
  const service = createSidecarMemoryService({
    clusters,
    catalog,
    userInfo: mockServices.userInfo.mock(),
    reads: createClusterReads({
      clusters,
      scheduler: mockServices.scheduler(),
      logger,
      reuseMs: 0,
      watch: false,
    }),
    applied: await AppliedSidecarStore.create(mockServices.database({ knex })),
    logger,
  });
  return { service, close: () => knex.destroy() };
}

/** productpage's answer, under way, and whether its namespace's reads were made (within 5 s). */
function productpageAnswer(
  service: Awaited<ReturnType<typeof serviceWith>>['service'],
) {
  const before = demo.recentPaths().length;
  const answer = service.getSidecarMemory(
    { entityRef: 'component:default/productpage' },
    { credentials: mockCredentials.user() },
  );
  const namespaceRead = () =>
    until(() => demo.recentPaths().slice(before).includes(METRICS), 5000);
  return { answer, namespaceRead };
}

/** The catalog dependencies that shaped an answer's recommendation. */
function catalogReasons(items: IstioSidecarMemoryResponse['items']) {
  return items[0]
    .recommendation!.egress.flatMap(h => h.reasons)
    .filter(r => r.kind === 'catalog-dependency')
    .map(r => r.detail)
    .join('\n');
}

it("reads the entity's namespace while the catalog still answers for the providers of its APIs", async () => {
  const { catalog, release, calls } = catalogHoldingProviders();
  const { service, close } = await serviceWith(catalog);
  try {
    const { answer, namespaceRead } = productpageAnswer(service);
    // The providers are still held, and the namespace's reads are made meanwhile.
    expect(await namespaceRead()).toBe(true);
    expect(calls).toEqual({
      getEntityByRef: 0,
      getEntities: 1,
      getEntitiesByRefs: 1,
    });

    release();
    const { items, errors } = await answer;
    expect(errors).toEqual([]);
    expect(items).toHaveLength(1);
    expect(items[0].errors).toEqual([]);
    // Both the dependsOn components (details, reviews) and the held provider (ratings)
    // shape the recommendation.
    expect(catalogReasons(items)).toMatch(/details/);
    expect(catalogReasons(items)).toMatch(/reviews/);
    expect(catalogReasons(items)).toMatch(/ratings/);
  } finally {
    await close();
  }
});

it("reads the entity's annotated namespace alongside the entity's pods, not after them", async () => {
  // productpage is annotated with its namespace: its pods (and only the pods) answer slowly.
  demo.setFaults([
    { pathPattern: '^/api/v1/namespaces/istio-demo/pods$', latencyMs: 1500 },
  ]);
  const { service, close } = await serviceWith(
    catalogServiceMock({ entities: bookinfoEntities }),
  );
  try {
    const started = Date.now();
    const { answer, namespaceRead } = productpageAnswer(service);
    expect(await namespaceRead()).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    const { items } = await answer;
    expect(items[0].errors).toEqual([]);
  } finally {
    await close();
  }
});

it('reads the namespace where an unannotated entity ran last time alongside its pods', async () => {
  // productpage without a namespace annotation: its pods are listed across the cluster,
  // and that list (only it) answers slowly.
  const entities = bookinfoEntities.map(entity =>
    entity.metadata.name === 'productpage'
      ? {
          ...entity,
          metadata: {
            ...entity.metadata,
            annotations: { 'backstage.io/kubernetes-id': 'productpage' },
          },
        }
      : entity,
  );
  demo.setFaults([{ pathPattern: '^/api/v1/pods$', latencyMs: 1500 }]);
  const { service, close } = await serviceWith(
    catalogServiceMock({ entities }),
  );
  try {
    // The first answer knows nowhere to look: the namespace waits for the pods.
    let started = Date.now();
    const first = productpageAnswer(service);
    expect(await first.namespaceRead()).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect((await first.answer).items.map(i => i.namespace)).toEqual([
      'istio-demo',
    ]);

    // The next one reads istio-demo while the pods are still being listed.
    started = Date.now();
    const second = productpageAnswer(service);
    expect(await second.namespaceRead()).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    const { items } = await second.answer;
    expect(items.map(i => i.namespace)).toEqual(['istio-demo']);
    expect(items[0].errors).toEqual([]);
    expect(items[0].proxies.length).toBeGreaterThan(0);
  } finally {
    await close();
  }
});
