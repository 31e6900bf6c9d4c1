import type {
  IstioReleaseSupport,
  IstioSupportMatrix,
} from './istioSupportMatrix';
import { compareMinor, parseExactMinor } from './minors';

/** The fields of a row, and whether each is required. */
const FIELDS: Record<keyof IstioReleaseSupport, boolean> = {
  istio: true,
  released: true,
  endOfLife: true,
  endOfLifeExpected: false,
  kubernetesTested: true,
  kubernetesMinimum: true,
};

/** Collects the problems of the rows, each naming its config path. */
class Problems {
  readonly list: string[] = [];
  add(path: string, problem: string) {
    this.list.push(`${path} ${problem}`);
  }
}

/** `'1.3'` → a hint: YAML reads an unquoted `1.30` as the number 1.3. */
function describeValue(value: unknown): string {
  if (typeof value === 'number')
    return `the number ${value} (quote it: unquoted, YAML reads 1.30 as 1.3)`;
  return JSON.stringify(value) ?? String(value);
}

/** A `N.N` minor at `path`, or undefined after recording why not. */
function minorAt(value: unknown, path: string, problems: Problems) {
  const minor = typeof value === 'string' ? parseExactMinor(value) : undefined;
  if (!minor)
    problems.add(
      path,
      `must be a minor version written N.N, such as '1.31'; got ${describeValue(
        value,
      )}`,
    );
  return minor;
}

/** Whether `value` is a real calendar date written `YYYY-MM-DD`. */
function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value))
    return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return (
    !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value
  );
}

/** An ISO date at `path`, or undefined after recording why not. */
function dateAt(value: unknown, path: string, problems: Problems) {
  if (isIsoDate(value)) return value;
  problems.add(
    path,
    `must be an ISO date written YYYY-MM-DD, such as '2027-02-28'; got ${describeValue(
      value,
    )}`,
  );
  return undefined;
}

/** Checks the fields' relations: dates in order, minimum ≤ low ≤ high. */
function checkRelations(
  row: Record<string, unknown>,
  path: string,
  problems: Problems,
) {
  const released = dateAt(row.released, `${path}.released`, problems);
  const endOfLife = dateAt(row.endOfLife, `${path}.endOfLife`, problems);
  if (released && endOfLife && endOfLife <= released)
    problems.add(
      `${path}.endOfLife`,
      `(${endOfLife}) must be after released (${released})`,
    );
  if (
    row.endOfLifeExpected !== undefined &&
    typeof row.endOfLifeExpected !== 'boolean'
  )
    problems.add(`${path}.endOfLifeExpected`, 'must be true or false');
  const tested = row.kubernetesTested;
  if (!Array.isArray(tested) || tested.length !== 2) {
    problems.add(
      `${path}.kubernetesTested`,
      `must be two Kubernetes minors [low, high], such as ['1.33', '1.37']; got ${describeValue(
        tested,
      )}`,
    );
    minorAt(row.kubernetesMinimum, `${path}.kubernetesMinimum`, problems);
    return;
  }
  const low = minorAt(tested[0], `${path}.kubernetesTested[0]`, problems);
  const high = minorAt(tested[1], `${path}.kubernetesTested[1]`, problems);
  const minimum = minorAt(
    row.kubernetesMinimum,
    `${path}.kubernetesMinimum`,
    problems,
  );
  if (low && high && compareMinor(low, high) > 0)
    problems.add(
      `${path}.kubernetesTested`,
      `must be [low, high] with low ≤ high; got [${tested.join(', ')}]`,
    );
  if (low && minimum && compareMinor(minimum, low) > 0)
    problems.add(
      `${path}.kubernetesMinimum`,
      `(${row.kubernetesMinimum}) must not be above the lowest tested Kubernetes version (${tested[0]})`,
    );
}

/** Validates one configured row; undefined (with the problems recorded) when invalid. */
function validRow(
  row: unknown,
  path: string,
  problems: Problems,
): IstioReleaseSupport | undefined {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    problems.add(path, 'must be an object with the fields of a release row');
    return undefined;
  }
  const fields = row as Record<string, unknown>;
  const before = problems.list.length;
  for (const key of Object.keys(fields))
    if (!(key in FIELDS))
      problems.add(
        `${path}.${key}`,
        `is not a field of a release row (fields: ${Object.keys(FIELDS).join(
          ', ',
        )})`,
      );
  for (const [key, required] of Object.entries(FIELDS))
    if (required && fields[key] === undefined)
      problems.add(`${path}.${key}`, 'is missing');
  if (problems.list.length > before) return undefined;
  minorAt(fields.istio, `${path}.istio`, problems);
  checkRelations(fields, path, problems);
  if (problems.list.length > before) return undefined;
  return {
    istio: fields.istio as string,
    released: fields.released as string,
    endOfLife: fields.endOfLife as string,
    ...(fields.endOfLifeExpected === true ? { endOfLifeExpected: true } : {}),
    kubernetesTested: [...(fields.kubernetesTested as [string, string])],
    kubernetesMinimum: fields.kubernetesMinimum as string,
  };
}

/**
 * Merges configured rows into a support matrix, so adopters add releases newer than
 * the built-in data or correct a row (an estimated end of life that Istio announced)
 * without a plugin release. A row for a minor the matrix holds replaces it; a new
 * minor is added in order. Pure.
 *
 * `rows` is the raw config value (`undefined` when not configured). Every row is
 * validated — minors written `N.N`, dates `YYYY-MM-DD`, end of life after release,
 * tested range low ≤ high, minimum ≤ low, no unknown field, one row per minor —
 * and all problems are thrown in one error, each naming its path under `path`.
 *
 * @public
 */
export function mergeSupportMatrix(
  base: IstioSupportMatrix,
  rows: unknown,
  options: {
    /** The config path of `rows`, for error messages. Default `istio.supportMatrix`. */
    path?: string;
  } = {},
): IstioSupportMatrix {
  const path = options.path ?? 'istio.supportMatrix';
  if (rows === undefined || rows === null) return base;
  if (!Array.isArray(rows))
    throw new Error(
      `Invalid ${path}: must be a list of release rows; got ${describeValue(
        rows,
      )}`,
    );
  const problems = new Problems();
  const configured = new Map<
    string,
    { row: IstioReleaseSupport; at: string }
  >();
  rows.forEach((raw, index) => {
    const at = `${path}[${index}]`;
    const row = validRow(raw, at, problems);
    if (!row) return;
    const earlier = configured.get(row.istio);
    if (earlier)
      problems.add(
        `${at}.istio`,
        `(${row.istio}) repeats ${earlier.at}; give one row per minor`,
      );
    else configured.set(row.istio, { row, at });
  });
  if (problems.list.length > 0)
    throw new Error(`Invalid ${path}: ${problems.list.join('; ')}`);
  const merged = new Map(base.map(row => [row.istio, row]));
  for (const { row } of configured.values()) merged.set(row.istio, row);
  return [...merged.values()].sort((a, b) =>
    compareMinor(parseExactMinor(a.istio)!, parseExactMinor(b.istio)!),
  );
}
