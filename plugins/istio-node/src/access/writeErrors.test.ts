import { toWriteError } from './writeErrors';

/** What client-node throws for an API server refusal: the status code and its body. */
const refusal = (code: number, body: unknown) =>
  Object.assign(new Error(`HTTP-Code: ${code}`), { code, body });

describe('toWriteError', () => {
  it.each([
    [
      409,
      'ConflictError',
      'Sidecar x is managed by someone else: conflict with "kubectl"',
    ],
    [
      422,
      'InputError',
      'The cluster rejected Sidecar x: conflict with "kubectl"',
    ],
    [
      400,
      'InputError',
      'The cluster rejected Sidecar x: conflict with "kubectl"',
    ],
    [
      403,
      'NotAllowedError',
      'The cluster refused to write Sidecar x: conflict with "kubectl"',
    ],
    [404, 'NotFoundError', 'Sidecar x: conflict with "kubectl"'],
    [
      401,
      'ServiceUnavailableError',
      'The cluster rejected the credentials sent',
    ],
    [500, 'ServiceUnavailableError', 'The cluster could not apply Sidecar x'],
  ])('maps %s to %s', (code, name, message) => {
    const error = toWriteError(
      refusal(
        code,
        JSON.stringify({
          message: 'conflict with "kubectl"',
          details: { token: 'secret' },
        }),
      ),
      'Sidecar x',
    );
    expect({ name: error.name, message: error.message }).toEqual({
      name,
      message,
    });
  });

  it('passes on only the Status message, trimmed, never the rest of the body', () => {
    const error = toWriteError(
      refusal(422, {
        message: 'x'.repeat(2000),
        metadata: { secret: 'token' },
      }),
      'Namespace a',
    );
    expect(error.message).toHaveLength(
      'The cluster rejected Namespace a: '.length + 500,
    );
    expect(error.message).not.toContain('token');
    expect(toWriteError(refusal(422, 'not json'), 'Namespace a').message).toBe(
      'The cluster rejected Namespace a: the API server refused the request',
    );
  });

  it('keeps a cancellation as it is', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(toWriteError(abort, 'Namespace a')).toBe(abort);
  });
});
