// Test helpers for the cluster auth integration tests: the Istio backend started with a
// Kubernetes-plugin configuration written as a user writes it (any locator, any auth
// provider), every log line it writes kept, and every response it gives recorded, so a
// test can look for secrets in all of them.
import {
  coreServices,
  createServiceFactory,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  loadScenario,
  type DemoCluster,
  type Scenario,
} from '@istio-backstage/demo-cluster';
import {
  encodeKubernetesAuthHeader,
  KUBERNETES_AUTH_HEADER,
} from '@istio-backstage/plugin-istio-common';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { inspect } from 'node:util';
import request from 'supertest';
import { istioPlugin } from '../plugin';
import { bookinfoEntities } from './bookinfoEntities';

/** A fresh random secret with a readable label, so a leak names what leaked. */
export function secret(label: string): string {
  return `${label}-${randomBytes(12).toString('hex')}`;
}

/** The default scenario with extra credentials, and a small filler so reads are quick. */
export function authScenario(auth: Partial<Scenario['auth']> = {}): Scenario {
  const base = loadScenario('default');
  return {
    ...base,
    filler: base.filler ? { ...base.filler, namespaces: 4 } : undefined,
    memoryConvergenceSeconds: 0,
    auth: {
      ...base.auth,
      ...auth,
      tokens: [...base.auth.tokens, ...(auth.tokens ?? [])],
    },
  };
}

/** A `config` locator cluster entry for a demo cluster: its URL and CA, TLS verified. */
export function demoClusterEntry(
  name: string,
  demo: DemoCluster,
  auth: Record<string, unknown>,
): Record<string, unknown> {
  return {
    name,
    url: demo.url,
    caData: Buffer.from(demo.caPem).toString('base64'),
    skipTLSVerify: false,
    ...auth,
  };
}

/** The text of a log call: message and metadata (errors with their stack and cause). */
function logText(
  level: string,
  fields: Record<string, unknown>,
  message: string,
  meta: unknown,
): string {
  const options = {
    depth: 20,
    maxStringLength: Infinity,
    maxArrayLength: Infinity,
    breakLength: Infinity,
  };
  return `${level} ${inspect(fields, options)} ${message} ${
    meta === undefined ? '' : inspect(meta, options)
  }`;
}

function capturingRootLogger(
  lines: string[],
  fields: Record<string, unknown> = {},
): RootLoggerService {
  const at =
    (level: string) =>
    (message: string, meta?: unknown): void => {
      lines.push(logText(level, fields, message, meta));
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: meta => capturingRootLogger(lines, { ...fields, ...meta }),
  };
}

/** Everything the backend said: its log lines (every level), its answers, and console output. */
export class BackendTranscript {
  readonly logLines: string[] = [];
  readonly responses: string[] = [];
  readonly consoleLines: string[] = [];

  /** The root logger factory that writes into {@link BackendTranscript.logLines}. */
  rootLoggerFactory() {
    const logger = capturingRootLogger(this.logLines);
    return createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => logger,
    });
  }

  /** Keeps what goes to the console (libraries that log on their own) until `restore`. */
  captureConsole(): { restore(): void } {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map(
      method =>
        jest.spyOn(console, method).mockImplementation((...args) => {
          this.consoleLines.push(
            `${method} ${args
              .map(a => (typeof a === 'string' ? a : inspect(a)))
              .join(' ')}`,
          );
        }),
    );
    return { restore: () => spies.forEach(s => s.mockRestore()) };
  }

  record(res: request.Response): request.Response {
    this.responses.push(
      `${res.status} ${JSON.stringify(res.headers)} ${res.text ?? ''}`,
    );
    return res;
  }

  /**
   * Where each secret appears, named by its label and never quoted (a failing test
   * must not print the secret either): `[]` when it appears nowhere.
   */
  leaks(secrets: Record<string, string>): string[] {
    const places = [
      ...this.logLines.map((text, i) => ({ where: `log line ${i}`, text })),
      ...this.responses.map((text, i) => ({ where: `response ${i}`, text })),
      ...this.consoleLines.map((text, i) => ({
        where: `console line ${i}`,
        text,
      })),
    ];
    const found: string[] = [];
    for (const [label, value] of Object.entries(secrets)) {
      if (value.length < 8)
        throw new Error(`secret '${label}' is too short to look for`);
      for (const { where, text } of places)
        if (text.includes(value)) found.push(`${label} in ${where}`);
    }
    return found;
  }
}

/** Configuration data as the mock root config takes it (JSON). */
type ConfigData = NonNullable<
  NonNullable<Parameters<typeof mockServices.rootConfig.factory>[0]>['data']
>;

/** How a request is made: as which Backstage user, with which Kubernetes tokens. */
export interface CallOptions {
  /** The Backstage user (a user entity ref); the mock default user when absent. */
  user?: string;
  /** The request `auth` object sent in the Kubernetes auth header. */
  kubernetesAuth?: object;
  /** A raw value for the Kubernetes auth header (for malformed ones). */
  rawAuthHeader?: string;
}

/**
 * Starts the Istio backend plugin with this `kubernetes` configuration, the catalog's
 * entities and the test settings of the other integration tests (no background watch,
 * 2 s request timeout); logs go to `transcript`.
 */
export async function startAuthTestBackend(options: {
  kubernetes: Record<string, unknown>;
  transcript: BackendTranscript;
  entities?: Entity[];
  istio?: Record<string, unknown>;
}) {
  const { transcript } = options;
  const config = {
    kubernetes: options.kubernetes,
    istio: {
      watchMeshLists: false,
      keepMemoryFit: false,
      keepMeshEssentials: false,
      requestTimeoutMs: 2000,
      ...options.istio,
    },
  };
  const backend = await startTestBackend({
    features: [
      istioPlugin,
      mockServices.rootConfig.factory({ data: config as ConfigData }),
      catalogServiceMock.factory({
        entities: options.entities ?? bookinfoEntities,
      }),
      transcript.rootLoggerFactory(),
    ],
  });
  const get = async (route: string, call: CallOptions = {}) => {
    let req = request(backend.server)
      .get(route)
      .set('Authorization', mockCredentials.user.header(call.user));
    if (call.kubernetesAuth)
      req = req.set(
        KUBERNETES_AUTH_HEADER,
        encodeKubernetesAuthHeader(call.kubernetesAuth),
      );
    if (call.rawAuthHeader !== undefined)
      req = req.set(KUBERNETES_AUTH_HEADER, call.rawAuthHeader);
    return transcript.record(await req);
  };
  return { backend, get };
}

/** A source error as the routes answer it, with its cluster. */
export interface ClusterError {
  cluster: string;
  source: string;
  errorType: string;
  message: string;
}

/**
 * Every error an answer (mesh-config or sidecar-memory) gives for one cluster: the
 * cluster's own entry in `errors[]` and the errors of its items.
 */
export function errorsOf(
  body: {
    items: Array<{ cluster: string; errors: Omit<ClusterError, 'cluster'>[] }>;
    errors: ClusterError[];
  },
  cluster: string,
): ClusterError[] {
  return [
    ...body.errors.filter(e => e.cluster === cluster),
    ...body.items
      .filter(i => i.cluster === cluster)
      .flatMap(i => i.errors.map(e => ({ cluster, ...e }))),
  ];
}

/**
 * Sets environment variables (undefined deletes one) and answers how to put back what
 * was there before.
 */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.keys(vars).map(key => [key, process.env[key]] as const);
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** Every AWS variable the SDK's default credential chain reads, unset. */
export const NO_AWS_ENV: Record<string, undefined> = Object.fromEntries(
  [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_CREDENTIAL_EXPIRATION',
    'AWS_PROFILE',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_ROLE_ARN',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  ].map(key => [key, undefined]),
);

/** The Kubernetes plugin's own AwsIamStrategy, the very class the Istio plugins load. */
function kubernetesBackendAwsStrategy() {
  const istioNode = path.dirname(
    require.resolve('@istio-backstage/plugin-istio-node/package.json'),
  );
  const modulePath = require.resolve('@backstage/plugin-kubernetes-backend', {
    paths: [istioNode],
  });
  return jest.requireActual(modulePath).AwsIamStrategy as {
    prototype: {
      getCredential(...args: unknown[]): Promise<{ token?: string }>;
    };
  };
}

/**
 * Watches the Kubernetes plugin's AwsIamStrategy (it still does its work) to learn the
 * `k8s-aws-v1.` tokens it made, so a test can look for them in answers and logs.
 */
export function watchAwsTokens() {
  const spy = jest.spyOn(
    kubernetesBackendAwsStrategy().prototype,
    'getCredential',
  );
  return {
    /** The tokens made so far; stops watching. */
    async stop(): Promise<string[]> {
      const tokens: string[] = [];
      for (const result of spy.mock.results) {
        const credential = await Promise.resolve(result.value).catch(
          () => undefined,
        );
        if (credential?.token) tokens.push(credential.token);
      }
      spy.mockRestore();
      return tokens;
    },
  };
}

/** Each AWS token, its presigned URL and its signature, labelled, for `leaks`. */
export function awsTokenSecrets(tokens: string[]): Record<string, string> {
  return {
    // Any token at all, whether or not it was watched.
    'an AWS token': 'k8s-aws-v1.',
    ...Object.fromEntries(
      tokens.flatMap((token, i) => {
        const url = Buffer.from(
          token.slice('k8s-aws-v1.'.length),
          'base64url',
        ).toString();
        const signature = new URL(url).searchParams.get('X-Amz-Signature')!;
        return [
          [`AWS token ${i}`, token],
          [`AWS token ${i} presigned URL`, url],
          [`AWS token ${i} signature`, signature],
        ];
      }),
    ),
  };
}

/** The environment of AwsIamStrategy with these static keys, and nothing else AWS. */
export function awsEnv(keys: {
  accessKeyId: string;
  secretAccessKey: string;
}): Record<string, string | undefined> {
  return {
    ...NO_AWS_ENV,
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_REGION: 'eu-west-1',
    // The credential chain never asks the instance metadata service.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Static AWS keys for a test: an access key id and a secret key nobody else uses. */
export function awsTestKeys() {
  return {
    accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: secret('aws-secret-access-key'),
  };
}
