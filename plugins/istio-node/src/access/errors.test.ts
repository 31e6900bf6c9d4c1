import { PrometheusError } from '../prometheus';
import { statusOf, toSourceError } from './errors';

describe('toSourceError', () => {
  it.each([
    [
      'a fetch timeout (DOMException, legacy code 23)',
      new DOMException(
        'The operation was aborted due to timeout',
        'TimeoutError',
      ),
      'Timeout',
    ],
    [
      'an abort (DOMException, legacy code 20)',
      new DOMException('This operation was aborted', 'AbortError'),
      'Timeout',
    ],
    ['Prometheus answering 503', new PrometheusError('x', 503), 'Unavailable'],
    [
      'Prometheus answering 400',
      new PrometheusError('x', 400),
      'InvalidResponse',
    ],
  ])('maps %s to %s', (_case, error, errorType) => {
    expect(toSourceError('prometheus', error).errorType).toBe(errorType);
  });

  it('takes only HTTP statuses from `code`', () => {
    expect(statusOf({ code: 404 })).toBe(404);
    expect(statusOf({ statusCode: 429 })).toBe(429);
    expect(statusOf(new DOMException('t', 'TimeoutError'))).toBeUndefined();
    expect(statusOf({ code: 'ECONNREFUSED' })).toBeUndefined();
  });
});
