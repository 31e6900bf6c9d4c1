// Test helpers: EKS-style tokens made by the AWS signer that Backstage's Kubernetes backend
// uses, loaded from that plugin's own install so the tests sign exactly as it does.
import { createRequire } from 'node:module';
import path from 'node:path';

const fromKubernetesBackend = createRequire(
  path.join(
    path.dirname(
      require.resolve('@backstage/plugin-kubernetes-backend/package.json'),
    ),
    'package.json',
  ),
);

/** Credentials and target of a token. */
export interface PresignOptions {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  clusterId: string;
  signingDate?: Date;
  /** `sts.amazonaws.com` instead of the regional host. */
  globalEndpoint?: boolean;
  /** Leaves the `x-k8s-aws-id` header out of the signed request. */
  withoutClusterHeader?: boolean;
}

/**
 * A token built as AwsIamStrategy builds it: `@smithy/signature-v4` presigns the STS
 * GetCallerIdentity call with the `x-k8s-aws-id` header, and the URL is base64url-encoded.
 */
export async function presignedToken(options: PresignOptions): Promise<string> {
  const { SignatureV4 } = fromKubernetesBackend('@smithy/signature-v4');
  const { Sha256 } = fromKubernetesBackend('@aws-crypto/sha256-js');
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      sessionToken: options.sessionToken,
    },
    region: options.region,
    service: 'sts',
    sha256: Sha256,
  });
  const host = options.globalEndpoint
    ? 'sts.amazonaws.com'
    : `sts.${options.region}.amazonaws.com`;
  const request = await signer.presign(
    {
      headers: {
        host,
        ...(options.withoutClusterHeader
          ? {}
          : { 'x-k8s-aws-id': options.clusterId }),
      },
      hostname: host,
      method: 'GET',
      path: '/',
      protocol: 'https:',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    },
    { expiresIn: 0, signingDate: options.signingDate },
  );
  const query = Object.keys(request.query ?? {})
    .map(
      q =>
        `${encodeURIComponent(q)}=${encodeURIComponent(
          request.query[q] as string,
        )}`,
    )
    .join('&');
  const url = `https://${request.hostname}${request.path}?${query}`;
  return `k8s-aws-v1.${Buffer.from(url).toString('base64url')}`;
}

/**
 * A token from Backstage's AwsIamStrategy itself, with static keys from the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION set for the call only).
 */
export async function strategyToken(options: {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  clusterId: string;
}): Promise<string> {
  const { AwsIamStrategy } = fromKubernetesBackend(
    './dist/auth/AwsIamStrategy.cjs.js',
  );
  const { ConfigReader } = fromKubernetesBackend('@backstage/config');
  const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'];
  const saved = keys.map(k => process.env[k]);
  process.env.AWS_ACCESS_KEY_ID = options.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = options.secretAccessKey;
  process.env.AWS_REGION = options.region;
  try {
    const strategy = new AwsIamStrategy({ config: new ConfigReader({}) });
    const credential = await strategy.getCredential({
      name: options.clusterId,
      url: 'https://127.0.0.1',
      authMetadata: {},
    });
    return credential.token;
  } finally {
    keys.forEach((k, i) => {
      if (saved[i] === undefined) delete process.env[k];
      else process.env[k] = saved[i];
    });
  }
}
