import type { ScenarioAwsIdentity } from '../scenario/types';
import { createAwsIamVerifier } from './awsIamToken';
import { presignedToken, strategyToken } from './awsPresign.testHelpers';

const identity: ScenarioAwsIdentity = {
  accessKeyId: 'AKIADEMOCLUSTER0001',
  secretAccessKey: 'demo/secret+key/0123456789abcdefghijklmn',
  clusterId: 'demo-eks',
  user: 'arn:aws:iam::111122223333:role/backstage',
  role: 'read',
};
const verify = createAwsIamVerifier([identity]);
const sign = (overrides: Partial<Parameters<typeof presignedToken>[0]> = {}) =>
  presignedToken({
    accessKeyId: identity.accessKeyId,
    secretAccessKey: identity.secretAccessKey,
    region: 'eu-west-1',
    clusterId: identity.clusterId,
    ...overrides,
  });

/** The token with its presigned URL changed by `edit`. */
function tampered(token: string, edit: (url: string) => string): string {
  const url = Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url');
  return `k8s-aws-v1.${Buffer.from(edit(url.toString())).toString(
    'base64url',
  )}`;
}

describe('AWS IAM token verification', () => {
  it('accepts a token presigned by @smithy/signature-v4 as AwsIamStrategy does', async () => {
    expect(verify(await sign())).toBe(identity);
    expect(verify(await sign({ region: 'ap-southeast-2' }))).toBe(identity);
  });

  it('accepts a token made by AwsIamStrategy with keys from the environment', async () => {
    const token = await strategyToken({
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
      region: 'us-west-2',
      clusterId: identity.clusterId,
    });
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    expect(verify(token)).toBe(identity);
  });

  it('accepts the global endpoint and a session token, which are signed too', async () => {
    expect(
      verify(await sign({ region: 'us-east-1', globalEndpoint: true })),
    ).toBe(identity);
    const withSession = await sign({ sessionToken: 'FwoGZXIvYXdzE/a+b=c' });
    expect(verify(withSession)).toBe(identity);
    expect(
      verify(
        tampered(withSession, u =>
          u.replace(/X-Amz-Security-Token=[^&]+/, 'X-Amz-Security-Token=x'),
        ),
      ),
    ).toBeUndefined();
  });

  it('refuses a token signed with another secret key', async () => {
    expect(verify(await sign({ secretAccessKey: 'not-the-secret' }))).toBe(
      undefined,
    );
  });

  it('refuses an unknown access key', async () => {
    expect(verify(await sign({ accessKeyId: 'AKIAUNKNOWN' }))).toBeUndefined();
  });

  it('refuses a token signed more than 15 minutes ago, or ahead of the clock', async () => {
    const now = Date.now();
    const old = await sign({ signingDate: new Date(now - 16 * 60_000) });
    expect(verify(old, now)).toBeUndefined();
    const recent = await sign({ signingDate: new Date(now - 14 * 60_000) });
    expect(verify(recent, now)).toBe(identity);
    const ahead = await sign({ signingDate: new Date(now + 6 * 60_000) });
    expect(verify(ahead, now)).toBeUndefined();
  });

  it('refuses a token signed for another cluster', async () => {
    expect(verify(await sign({ clusterId: 'other-cluster' }))).toBeUndefined();
  });

  it('refuses a token whose x-k8s-aws-id header was not signed', async () => {
    const token = await sign({ withoutClusterHeader: true });
    expect(Buffer.from(token.slice(11), 'base64url').toString()).toContain(
      'X-Amz-SignedHeaders=host&',
    );
    expect(verify(token)).toBeUndefined();
  });

  it('refuses a tampered query', async () => {
    const token = await sign();
    const edits: Array<(u: string) => string> = [
      u => u.replace('X-Amz-Expires=0', 'X-Amz-Expires=900'),
      u => u.replace('Version=2011-06-15', 'Version=2011-06-16'),
      u => u.replace('Action=GetCallerIdentity', 'Action=GetSessionToken'),
      u => `${u}&Extra=1`,
      u => `${u}&Action=GetCallerIdentity`,
      u => u.replace('https://', 'http://'),
      u => u.replace('sts.eu-west-1.amazonaws.com', 'sts.example.com'),
      u => u.replace('sts.eu-west-1.', 'sts.eu-west-2.'),
      u => u.replace('.com/?', '.com/x?'),
      u => u.replace(/X-Amz-Signature=[0-9a-f]/, 'X-Amz-Signature=g'),
    ];
    for (const edit of edits)
      expect(verify(tampered(token, edit))).toBe(undefined);
  });

  it('refuses what is not a token', () => {
    expect(verify('k8s-aws-v1.')).toBeUndefined();
    expect(verify('k8s-aws-v1.not base64!')).toBeUndefined();
    expect(
      verify(`k8s-aws-v1.${Buffer.from('not a url').toString('base64url')}`),
    ).toBeUndefined();
  });

  it('picks the identity whose cluster the token was signed for', async () => {
    const other = { ...identity, clusterId: 'other-cluster', user: 'other' };
    const both = createAwsIamVerifier([identity, other]);
    expect(both(await sign({ clusterId: 'other-cluster' }))).toBe(other);
    expect(both(await sign())).toBe(identity);
  });
});
