// Load generation for the benchmarks, with autocannon: runs requests over N connections
// and records every response's latency itself (autocannon's summary has no p95), the
// status codes, socket errors and timeouts, and optionally checks each response body.
import autocannon from 'autocannon';

/** The p-th percentile (nearest rank) of `values`; undefined when empty. */
export function percentile(values, p) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

const round = value =>
  value === undefined ? undefined : Math.round(value * 10) / 10;

/** p50/p95/p99/max/mean of latencies in milliseconds, rounded to 0.1 ms. */
export function latencySummary(values) {
  // No Math.max(...values): a soak records more answers than the stack holds arguments.
  let max;
  let sum = 0;
  for (const value of values) {
    if (max === undefined || value > max) max = value;
    sum += value;
  }
  return {
    samples: values.length,
    p50Ms: round(percentile(values, 50)),
    p95Ms: round(percentile(values, 95)),
    p99Ms: round(percentile(values, 99)),
    maxMs: round(max),
    meanMs: round(values.length ? sum / values.length : undefined),
  };
}

/** Longest a run sized by request count may last before autocannon stops it. */
const SAFETY_CAP_SECONDS = 1800;

/**
 * Runs one load: `requests` ({ method, path, headers, body }) are cycled through on
 * each of `connections`, either `perConnection` requests on each connection or `amount`
 * requests in all (every answer is awaited), or for `durationSeconds` (answers still in
 * flight at the end are dropped, so slow answers are under-counted: use it for soaks).
 * `check(status, body)` returns undefined for a good answer or a reason; only 2xx
 * answers are checked. Resolves to latencies (2xx only and all answers), counts by
 * status, socket errors, timeouts and failed checks.
 */
export async function runLoad({
  url,
  requests,
  connections,
  durationSeconds,
  perConnection,
  amount,
  timeoutSeconds = 30,
  check,
}) {
  const okLatencies = [];
  const allLatencies = [];
  const statuses = {};
  const checkFailures = {};
  let checked = 0;
  const errorMessages = {};
  const started = performance.now();
  const instance = autocannon({
    url,
    connections,
    ...(amount
      ? { amount }
      : perConnection
      ? { maxConnectionRequests: perConnection, duration: SAFETY_CAP_SECONDS }
      : { duration: durationSeconds }),
    timeout: timeoutSeconds,
    requests: requests.map(request => ({
      ...request,
      ...(check
        ? {
            onResponse: (status, body) => {
              if (status < 200 || status >= 300) return;
              checked++;
              const reason = check(status, body);
              if (reason)
                checkFailures[reason] = (checkFailures[reason] ?? 0) + 1;
            },
          }
        : {}),
    })),
  });
  let lastAnswer = started;
  instance.on('response', (_client, status, _bytes, responseTime) => {
    lastAnswer = performance.now();
    statuses[status] = (statuses[status] ?? 0) + 1;
    allLatencies.push(responseTime);
    if (status >= 200 && status < 300) okLatencies.push(responseTime);
  });
  instance.on('reqError', error => {
    const message = error?.code ?? error?.message ?? String(error);
    errorMessages[message] = (errorMessages[message] ?? 0) + 1;
  });
  const result = await instance;
  // autocannon notices the end only on its 1 s tick: time the run to its last answer.
  const elapsedS = (lastAnswer - started) / 1000;
  const count = codes =>
    Object.entries(statuses)
      .filter(([code]) => codes(Number(code)))
      .reduce((n, [, c]) => n + c, 0);
  return {
    connections,
    ...(amount
      ? { amount }
      : perConnection
      ? { perConnection }
      : { durationSeconds }),
    elapsedSeconds: round(elapsedS),
    answered: allLatencies.length,
    requestsPerSecond: round(elapsedS > 0 ? allLatencies.length / elapsedS : 0),
    latency: latencySummary(okLatencies),
    latencyAllAnswers: latencySummary(allLatencies),
    statuses,
    counts: {
      ok2xx: count(c => c >= 200 && c < 300),
      tooMany429: count(c => c === 429),
      unavailable503: count(c => c === 503),
      other: count(c => c < 200 || (c >= 300 && c !== 429 && c !== 503)),
      socketErrors: result.errors - result.timeouts,
      timeouts: result.timeouts,
    },
    ...(Object.keys(errorMessages).length ? { errorMessages } : {}),
    ...(check ? { checked, checkFailures } : {}),
  };
}
