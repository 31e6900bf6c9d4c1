// The order of an uncached sidecar-memory answer's reads, against the demo cluster: the
// entity's namespace is read while the catalog still answers for its dependencies, so a
// slow catalog and the cluster's reads overlap instead of adding up.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
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

/** The catalog, with the reads of related entities held until `release` is called. */
function catalogHoldingRelations() {
  const catalog = catalogServiceMock({ entities: bookinfoEntities });
  let release!: () => void;
  const held = new Promise<void>(resolve => {
    release = resolve;
  });
  let relationReads = 0;
  const holding: Pick<CatalogService, 'getEntityByRef' | 'getEntitiesByRefs'> =
    {
      getEntityByRef: (ref, options) => catalog.getEntityByRef(ref, options),
      getEntitiesByRefs: async (request, options) => {
        relationReads += 1;
        await held;
        return catalog.getEntitiesByRefs(request, options);
      },
    };
  return {
    catalog: holding as CatalogService,
    release,
    relationReads: () => relationReads,
  };
}

async function until(condition: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline)
    await new Promise(resolve => setTimeout(resolve, 20));
  return condition();
}

it("reads the entity's namespace while the catalog still answers for its dependencies", async () => {
  const clusters = clusterAccessFor([
    { name: 'demo', demo, token: 'demo-writer-token' },
  ]);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  try {
    const logger = mockServices.logger.mock();
    const { catalog, release, relationReads } = catalogHoldingRelations();
    const service = createSidecarMemoryService({
      clusters,
      catalog,
      meshConfig: createMeshConfigService({
        clusters,
        cache: mockServices.cache.mock(),
        logger,
      }),
      applied: await AppliedSidecarStore.create(
        mockServices.database({ knex }),
      ),
      logger,
    });
    const before = demo.recentPaths().length;
    const answer = service.getSidecarMemory(
      { entityRef: 'component:default/productpage' },
      { credentials: mockCredentials.user() },
    );

    // The dependencies are still held, and the namespace's reads are made meanwhile.
    expect(
      await until(
        () => demo.recentPaths().slice(before).includes(METRICS),
        5000,
      ),
    ).toBe(true);
    expect(relationReads()).toBe(1);

    release();
    const { items, errors } = await answer;
    expect(errors).toEqual([]);
    expect(items).toHaveLength(1);
    expect(items[0].errors).toEqual([]);
    // The held dependencies (productpage dependsOn details and reviews) still shape
    // the recommendation.
    const catalogReasons = items[0]
      .recommendation!.egress.flatMap(h => h.reasons)
      .filter(r => r.kind === 'catalog-dependency');
    expect(catalogReasons.map(r => r.detail).join('\n')).toMatch(/details/);
  } finally {
    await knex.destroy();
  }
});
