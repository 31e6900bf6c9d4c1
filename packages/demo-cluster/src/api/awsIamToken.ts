import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ScenarioAwsIdentity } from '../scenario/types';

/** How EKS-style tokens start. */
export const AWS_TOKEN_PREFIX = 'k8s-aws-v1.';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SIGNED_HEADERS = 'host;x-k8s-aws-id';
/** SHA-256 of the empty body: what SigV4 presigning hashes for a GET without a body. */
const EMPTY_PAYLOAD_HASH =
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MAX_AGE_MS = 15 * 60_000;
const MAX_CLOCK_AHEAD_MS = 5 * 60_000;
const ALLOWED_PARAMS = new Set([
  'Action',
  'Version',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
]);
const STS_HOST = /^sts(?:\.([a-z0-9-]+))?\.amazonaws\.com$/;

/** A decoded presigned GetCallerIdentity URL whose form has been checked. */
interface PresignedCall {
  host: string;
  params: Map<string, string>;
  accessKeyId: string;
  /** `<date>/<region>/sts/aws4_request` */
  scope: string;
  amzDate: string;
  signature: string;
}

/** AWS's URI encoding: RFC 3986 unreserved characters stay, everything else is escaped. */
function awsEscape(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Milliseconds since the epoch of an `X-Amz-Date` (`20240131T235959Z`). */
function amzDateMillis(amzDate: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Out-of-range fields (month 13, 25 o'clock) roll over: such a date is not valid.
  const back = new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
  return back === amzDate ? ms : undefined;
}

/** The presigned URL inside a token, if it is an https STS URL with unique, known params. */
function decodeUrl(token: string): URL | undefined {
  const encoded = token.slice(AWS_TOKEN_PREFIX.length);
  if (!token.startsWith(AWS_TOKEN_PREFIX) || !/^[A-Za-z0-9_-]+$/.test(encoded))
    return undefined;
  let url: URL;
  try {
    url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (
    url.protocol !== 'https:' ||
    url.username ||
    url.password ||
    url.port ||
    url.hash ||
    url.pathname !== '/' ||
    !STS_HOST.test(url.hostname)
  )
    return undefined;
  return url;
}

/** Checks the form of the presigned call (not its signature) at time `now`. */
function parsePresignedCall(
  token: string,
  now: number,
): PresignedCall | undefined {
  const url = decodeUrl(token);
  if (!url) return undefined;
  const params = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (!ALLOWED_PARAMS.has(key) || params.has(key)) return undefined;
    params.set(key, value);
  }
  const get = (key: string) => params.get(key) ?? '';
  const hostRegion = STS_HOST.exec(url.hostname)![1] ?? 'us-east-1';
  const [accessKeyId, date, region, service, terminator, ...extra] =
    get('X-Amz-Credential').split('/');
  const amzDate = get('X-Amz-Date');
  const signedAt = amzDateMillis(amzDate);
  const formOk =
    get('Action') === 'GetCallerIdentity' &&
    get('Version') === '2011-06-15' &&
    get('X-Amz-Algorithm') === ALGORITHM &&
    get('X-Amz-SignedHeaders') === SIGNED_HEADERS &&
    /^\d+$/.test(get('X-Amz-Expires')) &&
    /^[0-9a-f]{64}$/.test(get('X-Amz-Signature')) &&
    !!accessKeyId &&
    extra.length === 0 &&
    date === amzDate.slice(0, 8) &&
    region === hostRegion &&
    service === 'sts' &&
    terminator === 'aws4_request';
  if (!formOk || signedAt === undefined) return undefined;
  if (now - signedAt > MAX_AGE_MS || signedAt - now > MAX_CLOCK_AHEAD_MS)
    return undefined;
  return {
    host: url.hostname,
    params,
    accessKeyId,
    scope: `${date}/${region}/${service}/${terminator}`,
    amzDate,
    signature: get('X-Amz-Signature'),
  };
}

/** The SigV4 canonical request of the call, with the `x-k8s-aws-id` header given. */
function canonicalRequest(call: PresignedCall, clusterId: string) {
  const query = [...call.params]
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => [awsEscape(key), awsEscape(value)])
    // Keys are unique (duplicates were refused), so no two compare equal.
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const id = clusterId.trim().replace(/\s+/g, ' ');
  return [
    'GET',
    '/',
    query,
    `host:${call.host}`,
    `x-k8s-aws-id:${id}`,
    '',
    SIGNED_HEADERS,
    EMPTY_PAYLOAD_HASH,
  ].join('\n');
}

/** The hex SigV4 signature of the call made with this secret key for this cluster. */
function expectedSignature(
  call: PresignedCall,
  secretAccessKey: string,
  clusterId: string,
): string {
  const hash = createHash('sha256')
    .update(canonicalRequest(call, clusterId), 'utf8')
    .digest('hex');
  const stringToSign = [ALGORITHM, call.amzDate, call.scope, hash].join('\n');
  let key: Buffer = Buffer.from(`AWS4${secretAccessKey}`, 'utf8');
  for (const part of call.scope.split('/'))
    key = createHmac('sha256', key).update(part, 'utf8').digest();
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/**
 * Verifies EKS-style tokens against the scenario's AWS identities, as an EKS cluster's
 * authenticator does with STS, but locally: the presigned GetCallerIdentity URL must be
 * well formed, signed at most 15 minutes ago (and not ahead of the clock by more than
 * 5), for this cluster (`x-k8s-aws-id`), with the identity's secret key. Returns the
 * identity, or undefined for any failure (which one is never told).
 */
export function createAwsIamVerifier(identities: ScenarioAwsIdentity[]) {
  return (token: string, now = Date.now()): ScenarioAwsIdentity | undefined => {
    const call = parsePresignedCall(token, now);
    if (!call) return undefined;
    const given = Buffer.from(call.signature, 'utf8');
    let found: ScenarioAwsIdentity | undefined;
    for (const identity of identities) {
      if (identity.accessKeyId !== call.accessKeyId) continue;
      const expected = Buffer.from(
        expectedSignature(call, identity.secretAccessKey, identity.clusterId),
        'utf8',
      );
      if (timingSafeEqual(expected, given)) found ??= identity;
    }
    return found;
  };
}
