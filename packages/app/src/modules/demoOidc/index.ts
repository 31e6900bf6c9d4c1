import {
  ApiBlueprint,
  createFrontendModule,
  discoveryApiRef,
  fetchApiRef,
  googleAuthApiRef,
  microsoftAuthApiRef,
} from '@backstage/frontend-plugin-api';
import {
  KubernetesAuthProviders,
  kubernetesAuthProvidersApiRef,
} from '@backstage/plugin-kubernetes-react';
import { DemoOidcProviderClient } from './DemoOidcProviderClient';

/**
 * The Kubernetes plugin's auth providers with the demo OIDC provider as `demo`, the
 * `oidcTokenProvider` of the demo's `oidc` cluster — as an adopter adds
 * `oidcProviders: { okta: oktaAuthApi }`. Same extension name as the Kubernetes
 * plugin's own, so it replaces it; the Kubernetes and Service Mesh tabs both use it.
 */
const demoKubernetesAuthProvidersApi = ApiBlueprint.make({
  name: 'auth-providers',
  params: defineParams =>
    defineParams({
      api: kubernetesAuthProvidersApiRef,
      deps: {
        discoveryApi: discoveryApiRef,
        fetchApi: fetchApiRef,
        googleAuthApi: googleAuthApiRef,
        microsoftAuthApi: microsoftAuthApiRef,
      },
      factory: ({ discoveryApi, fetchApi, googleAuthApi, microsoftAuthApi }) =>
        new KubernetesAuthProviders({
          googleAuthApi,
          microsoftAuthApi,
          oidcProviders: {
            demo: new DemoOidcProviderClient({ discoveryApi, fetchApi }),
          },
        }),
    }),
});

/** Demo only: a module of the Kubernetes plugin that wires the demo OIDC provider. */
export const demoOidcModule = createFrontendModule({
  pluginId: 'kubernetes',
  extensions: [demoKubernetesAuthProvidersApi],
});
