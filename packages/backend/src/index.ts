import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// Sign-in: guest for the demo (see auth.providers in app-config.yaml).
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@istio-backstage/plugin-catalog-backend-module-istio'));

// Permissions: our policy instead of allow-all.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicy'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@istio-backstage/plugin-scaffolder-backend-module-istio'));

backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@istio-backstage/plugin-istio-backend'));

// Demo only: the demo OIDC provider, which signs short-lived ID tokens for the signed-in
// user, for the demo's `authProvider: oidc` cluster (off unless the config `npm start`
// generates has `demoOidcProvider`).
backend.add(import('./plugins/demoOidcProvider'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
