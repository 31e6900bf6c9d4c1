import type { PrometheusClient } from '@istio-backstage/plugin-istio-node';
import { z } from 'zod';

/**
 * A Prometheus answer with an item that is not a sample of the query: a value that is
 * not a finite number (NaN included), or labels missing or not strings. The whole
 * answer of that source is then not trusted: a sample dropped quietly would make a
 * namespace look as if a pod used no memory, or a call was never made.
 */
export class MalformedPrometheusAnswerError extends Error {
  override readonly name = 'MalformedPrometheusAnswerError';
  /** How the source's failure is shown (see `SourceError`). */
  readonly errorType = 'InvalidResponse';
}

/** A checked sample: the labels the query needs are there. */
export interface Sample<L extends string> {
  metric: Record<L, string> & Record<string, string>;
  value: number;
}

/** Zod's words for a problem, e.g. `item 3: value: Number must be finite`. */
function describe(problem: z.ZodError['errors'][number]): string {
  const [index, ...path] = problem.path;
  const item = index === undefined ? '' : `item ${index}: `;
  const where = path.length > 0 ? `${path.join('.')}: ` : '';
  return `${item}${where}${problem.message}`;
}

/** The schema of a vector answer whose samples carry `labels`; built once per query kind. */
export function vectorOf<L extends string>(
  labels: readonly L[],
): z.ZodType<Array<Sample<L>>> {
  const required = Object.fromEntries(labels.map(l => [l, z.string()]));
  return z.array(
    z.object({
      metric: z.object(required).catchall(z.string()),
      value: z.number().finite(),
    }),
  ) as unknown as z.ZodType<Array<Sample<L>>>;
}

/**
 * Runs an instant query and checks its samples against `vector`; rejects with a
 * {@link MalformedPrometheusAnswerError} naming `what` and the first bad item.
 */
export async function querySamples<L extends string>(
  prometheus: Pick<PrometheusClient, 'query'>,
  promql: string,
  what: string,
  vector: z.ZodType<Array<Sample<L>>>,
): Promise<Array<Sample<L>>> {
  const samples = await prometheus.query(promql);
  const checked = vector.safeParse(samples);
  if (!checked.success)
    throw new MalformedPrometheusAnswerError(
      `Prometheus answered a malformed sample for ${what} (${describe(
        checked.error.errors[0],
      )}); its figures are not used`,
    );
  return checked.data;
}
