/**
 * Why a read from a cluster or Prometheus failed, safe to show: never the upstream
 * body or headers (they can carry tokens or internal details).
 *
 * @public
 */
export interface SourceError {
  /** What was being read, e.g. `kubernetes:pods` or `prometheus`. */
  source: string;
  errorType:
    | 'Unauthorized'
    | 'Forbidden'
    | 'NotFound'
    | 'RateLimited'
    | 'Unavailable'
    | 'Timeout'
    | 'Unreachable'
    | 'TlsError'
    | 'InvalidResponse'
    | 'Unknown';
  message: string;
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const CODE_IN_MESSAGE =
  /\b(E[A-Z_]{3,}|CERT_[A-Z_]+|[A-Z_]*SELF_SIGNED[A-Z_]*|UNABLE_TO_[A-Z_]+|ERR_TLS_[A-Z_]+)\b/;

/** The system error code anywhere in an error's cause chain (or its messages). */
function codeOf(error: unknown): string | undefined {
  let current = error as
    | { code?: unknown; errno?: unknown; cause?: unknown; message?: unknown }
    | undefined;
  const messages: string[] = [];
  for (let i = 0; i < 5 && current; i++) {
    if (typeof current.code === 'string') return current.code;
    if (typeof current.errno === 'string') return current.errno;
    if (typeof current.message === 'string') messages.push(current.message);
    current = current.cause as typeof current;
  }
  // Some runtimes (fetch inside Jest's VM) drop the code but keep it in the message.
  for (const message of messages) {
    const match = CODE_IN_MESSAGE.exec(message);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * Whether a request failed because the connection closed under it (ECONNRESET and
 * kin): typically a kept-alive connection the server had just closed. Safe to retry
 * for reads.
 */
export function isConnectionClosed(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
}

/**
 * The HTTP status of a client-node `ApiException` (or similar), if any. Only 100–599
 * counts: a `DOMException` carries a legacy numeric `code` too (23 for a fetch timeout).
 *
 * @public
 */
export function statusOf(error: unknown): number | undefined {
  const code =
    (error as { code?: unknown; statusCode?: unknown })?.code ??
    (error as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' && code >= 100 && code <= 599
    ? code
    : undefined;
}

/**
 * Maps any failure to a sanitized {@link SourceError}.
 *
 * @public
 */
export function toSourceError(source: string, error: unknown): SourceError {
  const status = statusOf(error);
  const name = (error as Error)?.name;
  const code = codeOf(error);
  const make = (
    errorType: SourceError['errorType'],
    message: string,
  ): SourceError => ({ source, errorType, message });
  // Refused by the circuit breaker: the failure that opened it, still true.
  if (name === 'ClusterNotAnsweringError') {
    const { failure, since } = error as { failure: SourceError; since: Date };
    return make(
      failure.errorType,
      `${
        failure.message
      } (the cluster has not answered since ${since.toISOString()}; checked again in the background)`,
    );
  }
  // Built to be shown: it names what is missing, never a token.
  if (name === 'ClusterCredentialError')
    return make('Unauthorized', (error as Error).message);
  if (status === 401)
    return make(
      'Unauthorized',
      'the cluster rejected the credentials sent (401)',
    );
  if (status === 403)
    return make(
      'Forbidden',
      'the configured credentials may not read this (403)',
    );
  if (status === 404) return make('NotFound', 'not found (404)');
  if (status === 429)
    return make('RateLimited', 'rate limited by the server (429)');
  if (status !== undefined && status >= 500)
    return make('Unavailable', `the server answered ${status}`);
  if (status !== undefined)
    return make('InvalidResponse', `unexpected answer ${status}`);
  if (
    name === 'AbortError' ||
    name === 'TimeoutError' ||
    code === 'ETIMEDOUT' ||
    code === 'ABORT_ERR'
  ) {
    return make('Timeout', 'no answer within the time limit');
  }
  if (code && TLS_CODES.has(code))
    return make('TlsError', `TLS verification failed (${code})`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return make('Unreachable', 'the host name does not resolve');
  if (code === 'ECONNREFUSED') return make('Unreachable', 'connection refused');
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET')
    return make('Unreachable', 'the connection was closed');
  if (error instanceof SyntaxError)
    return make('InvalidResponse', 'the answer was not valid JSON');
  // Its message names the query and the item's fault, never a value or credential.
  if (name === 'MalformedPrometheusAnswerError')
    return make('InvalidResponse', (error as Error).message);
  return make('Unknown', 'the read failed');
}
