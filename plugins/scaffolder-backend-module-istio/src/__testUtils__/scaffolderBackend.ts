import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { scaffolderModuleIstio } from '../module';
import { clusterConfigFor, type TestCluster } from './demoClusters';

/** What a test backend for running templates needs. */
export interface ScaffolderTestBackendOptions {
  /** Demo clusters, configured as a user configures real clusters. */
  clusters: TestCluster[];
  /** Entities the catalog holds: the templates to run, and any others. */
  entities?: Entity[];
  /** The decision for each permission, by name (scaffolder and Istio alike); ALLOW unless told. */
  decide?: (permission: string) => AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  /** Extra `istio` config, e.g. `{ apply: { impersonateUser: true } }`. */
  istio?: Record<string, unknown>;
  /** More features (e.g. other scaffolder modules). */
  features?: Parameters<typeof startTestBackend>[0]['features'];
  /**
   * The groups of the user who runs the templates (`user:default/mock`); by default the
   * team that owns the namespaces the templates create, so a re-run is its owner's.
   */
  initiatorGroups?: string[];
}

/**
 * Starts a real Backstage backend with the real scaffolder plugin and this module,
 * the catalog as a mock holding the given entities, and the demo clusters configured
 * — so a template runs exactly as it would for a user, through the scaffolder's HTTP
 * API (see `runTemplate.ts`).
 */
export async function startScaffolderTestBackend(
  options: ScaffolderTestBackendOptions,
) {
  const decide = options.decide ?? (() => AuthorizeResult.ALLOW);
  const groups = options.initiatorGroups ?? ['group:default/platform-team'];
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleIstio,
      mockServices.rootConfig.factory({
        data: clusterConfigFor(options.clusters, options.istio),
      }),
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({ result: decide(r.permission.name) })),
        authorizeConditional: async requests =>
          requests.map(r => ({ result: decide(r.permission.name) })),
      }).factory,
      mockServices.userInfo.mock({
        getUserInfo: async credentials => {
          const user = (credentials.principal as { userEntityRef: string })
            .userEntityRef;
          return {
            userEntityRef: user,
            ownershipEntityRefs: [user, ...groups],
          };
        },
      }).factory,
      ...(options.features ?? []),
    ],
  });
  return server;
}
