import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { statusOf } from './errors';

/** The `message` of a Kubernetes Status body, trimmed: never the rest of the upstream answer. */
function statusMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  let message: unknown;
  if (typeof body === 'string') {
    try {
      message = JSON.parse(body).message;
    } catch {
      message = undefined;
    }
  } else if (body && typeof body === 'object') {
    message = (body as { message?: unknown }).message;
  }
  return typeof message === 'string'
    ? message.slice(0, 500)
    : 'the API server refused the request';
}

/**
 * Maps a cluster's refusal of a write to a Backstage error naming `what` was
 * written: 409 → conflict (the Status message names the other field manager),
 * 400/422 → the admission webhook's or validation's message, 403 → not allowed.
 * An upstream 401 is our credentials' problem, never the caller's, so it never
 * becomes a 401 of ours. Only the Status `message` is passed on.
 *
 * @public
 */
export function toWriteError(error: unknown, what: string): Error {
  if (error instanceof Error && error.name === 'AbortError') return error;
  const status = statusOf(error);
  if (status === 409)
    return new ConflictError(
      `${what} is managed by someone else: ${statusMessage(error)}`,
    );
  if (status === 400 || status === 422)
    return new InputError(
      `The cluster rejected ${what}: ${statusMessage(error)}`,
    );
  if (status === 403)
    return new NotAllowedError(
      `The cluster refused to write ${what}: ${statusMessage(error)}`,
    );
  if (status === 401)
    return new ServiceUnavailableError(
      'The cluster rejected the credentials sent',
    );
  if (status === 404)
    return new NotFoundError(`${what}: ${statusMessage(error)}`);
  return new ServiceUnavailableError(`The cluster could not apply ${what}`);
}
