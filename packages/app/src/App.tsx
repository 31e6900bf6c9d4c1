import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import istioPlugin from '@istio-backstage/plugin-istio/alpha';
import { demoOidcModule } from './modules/demoOidc';
import { navModule } from './modules/nav';

/**
 * The demo app. Every frontend plugin in this package's dependencies is discovered
 * (`app.packages: all`); the catalog and Istio plugins are also listed here so the
 * app test, where discovery does not run, renders them. The demo OIDC module gives the
 * Kubernetes plugin's auth providers the demo's OIDC sign-in (see modules/demoOidc).
 */
export default createApp({
  features: [catalogPlugin, istioPlugin, navModule, demoOidcModule],
});
