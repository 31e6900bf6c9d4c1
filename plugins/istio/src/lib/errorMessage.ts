/**
 * The message worth showing for a failed backend call: a `ResponseError` carries
 * the backend's own error (e.g. the conflicting field manager) as its `cause`,
 * while its `message` only says "Request failed with 409 Conflict".
 */
export function errorMessage(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) {
    return `${cause.message} (${error.message})`;
  }
  return error.message;
}
