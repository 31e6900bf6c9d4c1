// The demo's second cluster, reached with the signed-in user's OIDC token as an
// adopter's `authProvider: oidc` cluster is: the simulator trusts the demo OIDC
// provider's public key, and the Backstage backend's demo-only provider signs short
// ID tokens for the signed-in user with the private key. Demo only.
import { generateKeyPairSync } from 'node:crypto';
import type { ConfiguredDemoOidcCluster } from './backstageConfig';
import { startDemoCluster, type DemoCluster } from './DemoCluster';
import { loadScenario } from './scenario/loadScenario';
import type { Scenario } from './scenario/types';

/** The scenario the OIDC cluster runs: small, with the same bookinfo apps. */
export const DEMO_OIDC_SCENARIO = 'legacy-sidecars';

/** How Backstage names the cluster and how its config names the token provider. */
export const DEMO_OIDC_CLUSTER = {
  name: 'demo-oidc',
  title: 'Demo mesh (OIDC sign-in)',
  oidcTokenProvider: 'demo',
};

/** The namespace where the guest may also write Sidecars (bookinfo's). */
const APP_NAMESPACE = 'istio-demo';

/**
 * The demo OIDC provider: who it says it is, for whom its tokens are, and the key it
 * signs them with. The backend's demo-only plugin reads these from the generated
 * app-config (`demoOidcProvider`); the private key never reaches the browser.
 */
export interface DemoOidcProvider {
  issuer: string;
  audience: string;
  /** Put before the token's `sub` (the user's entity ref) to make the cluster user name. */
  usernamePrefix: string;
  publicKeyPem: string;
  privateKeyPem: string;
}

/** A demo OIDC provider with a key pair made now (P-256, so ES256 tokens). */
export function createDemoOidcProvider(): DemoOidcProvider {
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
  });
  return {
    issuer: 'https://demo-oidc-provider.localhost',
    audience: 'backstage-demo',
    usernamePrefix: 'oidc:',
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey
      .export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  };
}

/**
 * The scenario with OIDC as its only way in: no static tokens, the demo OIDC provider
 * trusted, and the demo's guest (`user:default/guest`, the token's `sub`) allowed to
 * read everything and to write Sidecars in bookinfo's namespace. Other users may do
 * nothing.
 */
export function withDemoOidcAuth(
  scenario: Scenario,
  provider: DemoOidcProvider,
): Scenario {
  const guest = `${provider.usernamePrefix}user:default/guest`;
  return {
    ...scenario,
    auth: {
      tokens: [],
      oidc: {
        issuer: provider.issuer,
        audience: provider.audience,
        publicKeyPem: provider.publicKeyPem,
        usernamePrefix: provider.usernamePrefix,
        users: {
          [guest]: {
            role: 'read',
            namespaceRules: {
              [APP_NAMESPACE]: [
                {
                  apiGroups: ['networking.istio.io'],
                  resources: ['sidecars'],
                  verbs: ['create', 'update', 'patch', 'delete'],
                },
              ],
            },
          },
        },
      },
    },
  };
}

/** The OIDC cluster running, and the provider whose tokens it accepts. */
export interface RunningDemoOidcCluster {
  cluster: DemoCluster;
  provider: DemoOidcProvider;
}

/** Starts the OIDC cluster on `port` (loopback), with a demo OIDC provider made now. */
export async function startDemoOidcCluster(
  port: number,
): Promise<RunningDemoOidcCluster> {
  const provider = createDemoOidcProvider();
  const scenario = withDemoOidcAuth(loadScenario(DEMO_OIDC_SCENARIO), provider);
  // Nothing scrapes its metrics: any free port.
  const cluster = await startDemoCluster({ scenario, port, metricsPort: 0 });
  return { cluster, provider };
}

/** The OIDC cluster as the generated Backstage config lists it. */
export function demoOidcClusterConfig({
  cluster,
  provider,
}: RunningDemoOidcCluster): ConfiguredDemoOidcCluster {
  return {
    ...DEMO_OIDC_CLUSTER,
    url: cluster.url,
    caPem: cluster.caPem,
    provider: {
      issuer: provider.issuer,
      audience: provider.audience,
      privateKeyPem: provider.privateKeyPem,
    },
  };
}
