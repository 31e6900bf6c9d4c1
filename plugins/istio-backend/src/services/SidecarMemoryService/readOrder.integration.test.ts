// The order of an uncached sidecar-memory answer's reads, against the demo cluster: the
// catalog is asked for the entity's dependencies while it reads the entity, the entity's
// annotated namespace is read alongside its pods, and all of it while the catalog still
// answers, so a slow catalog and the cluster's reads overlap instead of adding up.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
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
import { createMeshConfigService } from '../MeshConfigService';
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
 * The catalog, with the reads of related entities held until `release` is called, or
 * the entity's own read held until its related entities are asked for.
 */
function catalogHolding(hold: 'relations' | 'entity') {
  const catalog = catalogServiceMock({ entities: bookinfoEntities });
  const relations = gate();
  const relationsAsked = gate();
  let relationReads = 0;
  const related =
    <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
    async (...args: A) => {
      relationReads += 1;
      relationsAsked.open();
      if (hold === 'relations') await relations.opened;
      return read(...args);
    };
  const holding: Pick<
    CatalogService,
    'getEntityByRef' | 'getEntitiesByRefs' | 'getEntities'
  > = {
    getEntityByRef: async (ref, options) => {
      if (hold === 'entity') await relationsAsked.opened;
      return catalog.getEntityByRef(ref, options);
    },
    getEntitiesByRefs: related((request, options) =>
      catalog.getEntitiesByRefs(request, options),
    ),
    getEntities: related((request, options) =>
      catalog.getEntities(request, options),
    ),
  };
  return {
    catalog: holding as CatalogService,
    release: relations.open,
    relationReads: () => relationReads,
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
    meshConfig: createMeshConfigService({
      clusters,
      cache: mockServices.cache.mock(),
      logger,
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

it("reads the entity's namespace while the catalog still answers for its dependencies", async () => {
  const { catalog, release, relationReads } = catalogHolding('relations');
  const { service, close } = await serviceWith(catalog);
  try {
    const { answer, namespaceRead } = productpageAnswer(service);
    // The dependencies are still held, and the namespace's reads are made meanwhile.
    expect(await namespaceRead()).toBe(true);
    expect(relationReads()).toBe(1);

    release();
    const { items, errors } = await answer;
    expect(errors).toEqual([]);
    expect(items).toHaveLength(1);
    expect(items[0].errors).toEqual([]);
    // The held dependencies (productpage dependsOn details and reviews) still shape
    // the recommendation.
    expect(catalogReasons(items)).toMatch(/details/);
    expect(catalogReasons(items)).toMatch(/reviews/);
  } finally {
    await close();
  }
});

it('asks the catalog for the dependencies while the entity itself is being read', async () => {
  // The entity's read answers only once the dependencies have been asked for: a lookup
  // that waited for the entity would never start.
  const { catalog } = catalogHolding('entity');
  const { service, close } = await serviceWith(catalog);
  try {
    const { items, errors } = await service.getSidecarMemory(
      { entityRef: 'component:default/productpage' },
      { credentials: mockCredentials.user() },
    );
    expect(errors).toEqual([]);
    expect(catalogReasons(items)).toMatch(/details/);
  } finally {
    await close();
  }
}, 10_000);

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
