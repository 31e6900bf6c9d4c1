/** A fault injected into API answers (reliability tests). */
export interface Fault {
  /** Only requests whose path matches this regular expression; all when absent. */
  pathPattern?: string;
  /** Only requests with this HTTP method (e.g. `PATCH`, to refuse writes but not reads); all when absent. */
  method?: string;
  /** Only watch requests (true) or only the others (false), e.g. RBAC without `watch`; all when absent. */
  watch?: boolean;
  /** Added latency, ms. */
  latencyMs?: number;
  /** Fraction of matching requests answered 503. */
  errorRate?: number;
  /** Never answer. */
  hang?: boolean;
  /** Answer 429 with this Retry-After (seconds). */
  tooManyRequests?: number;
  /** Drop the connection without an answer. */
  dropConnection?: boolean;
  /** Answer this status (e.g. 401, 403) with a Status body. */
  status?: number;
  /** The Status body's message for `status` (e.g. an admission webhook's refusal). */
  message?: string;
}

export function faultFor(
  faults: Fault[],
  path: string,
  method?: string,
  watch = false,
): Fault | undefined {
  return faults.find(
    f =>
      (!f.pathPattern || new RegExp(f.pathPattern).test(path)) &&
      (!f.method || f.method.toUpperCase() === method?.toUpperCase()) &&
      (f.watch === undefined || f.watch === watch),
  );
}
