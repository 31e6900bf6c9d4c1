import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { demoIdTokenSigner, signDemoIdToken } from './demoIdToken';

/** Seconds a token is valid unless `demoOidcProvider.tokenLifetimeSeconds` says otherwise. */
const DEFAULT_LIFETIME_SECONDS = 600;

/**
 * Demo only: the demo OIDC provider. `GET /api/demo-oidc-provider/token` answers the
 * signed-in user with a short-lived ID token for them (`sub` = their entity ref), which
 * the app hands to the Kubernetes plugin's auth providers for the demo's `oidc` cluster,
 * as an adopter's app hands over an Okta or Google ID token. Its settings and key come
 * from the config `npm start` generates (`demoOidcProvider`); without them it serves
 * nothing. Not an identity provider: never use it outside the demo.
 */
export const demoOidcProviderPlugin = createBackendPlugin({
  pluginId: 'demo-oidc-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
      },
      async init({ config, httpRouter, httpAuth, logger }) {
        const settings = config.getOptionalConfig('demoOidcProvider');
        if (!settings) {
          logger.info(
            'no demoOidcProvider config: the demo OIDC provider is off',
          );
          return;
        }
        const signer = demoIdTokenSigner({
          issuer: settings.getString('issuer'),
          audience: settings.getString('audience'),
          privateKeyPem: settings.getString('privateKeyPem'),
          lifetimeSeconds:
            settings.getOptionalNumber('tokenLifetimeSeconds') ??
            DEFAULT_LIFETIME_SECONDS,
        });
        httpRouter.use(async (req, res, next) => {
          if (req.method !== 'GET' || req.path !== '/token') {
            next();
            return;
          }
          try {
            const credentials = await httpAuth.credentials(req, {
              allow: ['user'],
            });
            const token = signDemoIdToken(
              signer,
              credentials.principal.userEntityRef,
            );
            res.setHeader('Cache-Control', 'no-store');
            res.json(token);
          } catch (error) {
            next(error);
          }
        });
      },
    });
  },
});
