/** A namespace's name and labels, what discovery selectors are matched against. */
export interface NamespaceLabels {
  name: string;
  labels: Record<string, string>;
}

/** A Kubernetes LabelSelector as MeshConfig `discoverySelectors` holds it (parsed YAML). */
interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}

/**
 * The namespaces istiod discovers under MeshConfig `discoverySelectors`, as istiod
 * applies them: a namespace is discovered when any selector matches its labels; within
 * a selector, every `matchLabels` entry and every `matchExpressions` requirement must
 * hold (`In`, `NotIn`, `Exists`, `DoesNotExist`, with Kubernetes' meaning: `NotIn`
 * also holds when the label is absent); an empty selector matches every namespace.
 * Undefined — every namespace — when there are no selectors, and when one cannot be
 * read (istiod then keeps its previous filter, which is unknown here).
 */
export function discoveredNamespaces(
  selectors: readonly unknown[] | undefined,
  namespaces: readonly NamespaceLabels[],
): string[] | undefined {
  if (!selectors || selectors.length === 0) return undefined;
  const matchers = selectors.map(toMatcher);
  if (matchers.some(m => m === undefined)) return undefined;
  return namespaces
    .filter(ns => matchers.some(matches => matches!(ns.labels)))
    .map(ns => ns.name);
}

type Matcher = (labels: Record<string, string>) => boolean;

/** A selector as a predicate over labels; undefined when it is malformed. */
function toMatcher(selector: unknown): Matcher | undefined {
  if (selector === null || typeof selector !== 'object') return undefined;
  const { matchLabels = {}, matchExpressions = [] } = selector as LabelSelector;
  if (typeof matchLabels !== 'object' || !Array.isArray(matchExpressions))
    return undefined;
  const requirements: Matcher[] = Object.entries(matchLabels).map(
    ([key, value]) =>
      labels =>
        labels[key] === String(value),
  );
  for (const expression of matchExpressions) {
    const requirement = toRequirement(expression);
    if (!requirement) return undefined;
    requirements.push(requirement);
  }
  return labels => requirements.every(holds => holds(labels));
}

function toRequirement(
  expression: NonNullable<LabelSelector['matchExpressions']>[number],
): Matcher | undefined {
  const { key, operator } = expression ?? {};
  const values = (expression?.values ?? []).map(String);
  if (typeof key !== 'string') return undefined;
  switch (operator) {
    case 'In':
      return labels => key in labels && values.includes(labels[key]);
    case 'NotIn':
      return labels => !(key in labels) || !values.includes(labels[key]);
    case 'Exists':
      return labels => key in labels;
    case 'DoesNotExist':
      return labels => !(key in labels);
    default:
      return undefined;
  }
}
