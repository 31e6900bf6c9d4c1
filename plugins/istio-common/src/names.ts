// The naming rules every Istio plugin package checks input against before a cluster
// call. They live here once, so the frontend, the backend and the scaffolder actions
// accept exactly the same names. Each pattern is anchored and its `source` is valid in
// a JSON schema `pattern` too (the scaffolder turns zod schemas into JSON schemas).

/**
 * One Kubernetes DNS-1123 label as an unanchored pattern fragment, for composing
 * larger patterns (host names, image registries): lower case letters, digits and `-`,
 * starting and ending with a letter or digit, at most 63 characters.
 *
 * @public
 */
export const DNS1123_LABEL_FRAGMENT = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';

/**
 * A Kubernetes DNS-1123 label: the rule for namespace names (and most object names),
 * at most 63 characters.
 *
 * @public
 */
export const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FRAGMENT}$`);

/**
 * Whether `value` is a DNS-1123 label, such as a namespace name.
 *
 * @public
 */
export function isDns1123Label(value: unknown): value is string {
  return typeof value === 'string' && DNS1123_LABEL.test(value);
}

// A non-empty label value: letters, digits, `-`, `_` and `.`, alphanumeric at both
// ends, at most 63 characters. Configured cluster names follow the same rule.
const LABEL_VALUE_FRAGMENT = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';

/**
 * A Kubernetes label value: empty, or at most 63 letters, digits, `-`, `_` and `.`,
 * starting and ending with a letter or digit.
 *
 * @public
 */
export const LABEL_VALUE = new RegExp(`^(${LABEL_VALUE_FRAGMENT})?$`);

/**
 * Whether `value` is a Kubernetes label value (the empty string is one).
 *
 * @public
 */
export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && LABEL_VALUE.test(value);
}

/**
 * The name of a configured cluster (`kubernetes.clusterLocatorMethods[].clusters[].name`):
 * at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or
 * digit. Never a URL or a path, so a request can only pick a cluster, not point at one.
 *
 * @public
 */
export const CLUSTER_NAME_PATTERN = new RegExp(`^${LABEL_VALUE_FRAGMENT}$`);

/**
 * Whether `value` can be the name of a configured cluster.
 *
 * @public
 */
export function isClusterName(value: unknown): value is string {
  return typeof value === 'string' && CLUSTER_NAME_PATTERN.test(value);
}

/**
 * A host of an Istio `Sidecar` egress listener, `namespace/dnsName`, at most 253
 * characters: the namespace is a DNS-1123 label or `*`, `.` or `~`; the DNS name is
 * `*`, a name, or a name with a leading `*.` wildcard.
 *
 * @public
 */
export const SIDECAR_EGRESS_HOST = new RegExp(
  `^(?=.{1,253}$)(${DNS1123_LABEL_FRAGMENT}|\\*|\\.|~)\\/(\\*|(\\*\\.)?[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)$`,
);

/**
 * Whether `value` is a `Sidecar` egress host, `namespace/dnsName`.
 *
 * @public
 */
export function isSidecarEgressHost(value: unknown): value is string {
  return typeof value === 'string' && SIDECAR_EGRESS_HOST.test(value);
}
