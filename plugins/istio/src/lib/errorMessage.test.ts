import { ResponseError } from '@backstage/errors';
import { errorMessage } from './errorMessage';

describe('errorMessage', () => {
  it('shows the backend error carried by a ResponseError', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'ConflictError', message: 'conflict with "helm"' },
          response: { statusCode: 409 },
        }),
        {
          status: 409,
          statusText: 'Conflict',
          headers: { 'Content-Type': 'application/json' },
        },
      ),
    );
    expect(errorMessage(error)).toBe(
      'conflict with "helm" (Request failed with 409 Conflict)',
    );
  });

  it('falls back to the message of any other error', () => {
    expect(errorMessage(new Error('offline'))).toBe('offline');
  });
});
