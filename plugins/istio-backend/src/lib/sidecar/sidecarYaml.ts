/** API version of the Sidecar objects we emit (served since Istio 1.22). */
export const SIDECAR_API_VERSION = 'networking.istio.io/v1';

/** One Sidecar object to render, with the comments that explain it. */
export interface SidecarManifest {
  name: string;
  namespace: string;
  workloadSelector?: Record<string, string>;
  /** Egress hosts in order, each with the comment lines written above it. */
  hosts: Array<{ host: string; comment: string[] }>;
  /** Kept from a Sidecar being replaced, so applying does not silently change it. */
  outboundTrafficPolicy?: string;
  /** Lines written above the document. */
  comment?: string[];
}

/**
 * Conservative plain-scalar shape: names, namespaces, label keys and values, egress hosts
 * such as `./*` or `istio-system/*`. Anything else is double-quoted.
 */
const PLAIN = /^[A-Za-z0-9._/][A-Za-z0-9._/*-]*$/;
/** Plain scalars YAML 1.1 or 1.2 would read as numbers. */
const NUMBER_LIKE = /^[-+.]?[0-9]|^0[box]|^\.(inf|nan)$/i;
/** Plain scalars YAML 1.1 or 1.2 would read as booleans or null. */
const KEYWORDS = new Set([
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'null',
  '~',
]);

/**
 * A scalar as YAML: plain when unambiguous, else a JSON string — valid YAML
 * double-quoted scalar, so nothing can escape it (`*\/*` must be quoted: a bare `*`
 * starts an alias; `true` or `1.0` as label values would change type).
 */
export function yamlScalar(value: string): string {
  if (
    PLAIN.test(value) &&
    !NUMBER_LIKE.test(value) &&
    !KEYWORDS.has(value.toLowerCase())
  ) {
    return value;
  }
  return JSON.stringify(value);
}

/** Comment lines, each kept on one line (a line break would end the comment). */
const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/;
const LINE_BREAKS = /[\r\n\u0085\u2028\u2029]+/g;

function commentBlock(lines: readonly string[], indent: string): string {
  let out = '';
  for (const line of lines) {
    // Testing first is cheaper than replacing, and almost no line has a break.
    const text = LINE_BREAK.test(line) ? line.replace(LINE_BREAKS, ' ') : line;
    out += `${indent}# ${text}\n`;
  }
  return out;
}

function sidecarDocument(m: SidecarManifest): string {
  let out = commentBlock(m.comment ?? [], '');
  out += `apiVersion: ${SIDECAR_API_VERSION}\nkind: Sidecar\nmetadata:\n`;
  out += `  name: ${yamlScalar(m.name)}\n  namespace: ${yamlScalar(
    m.namespace,
  )}\nspec:\n`;
  if (m.workloadSelector) {
    const labels = Object.entries(m.workloadSelector);
    if (labels.length === 0) out += '  workloadSelector:\n    labels: {}\n';
    else {
      out += '  workloadSelector:\n    labels:\n';
      for (const [key, value] of labels) {
        out += `      ${yamlScalar(key)}: ${yamlScalar(value)}\n`;
      }
    }
  }
  if (m.hosts.length === 0) out += '  egress:\n    - hosts: []\n';
  else {
    out += '  egress:\n    - hosts:\n';
    for (const { host, comment } of m.hosts) {
      out += commentBlock(comment, '        ');
      out += `        - ${yamlScalar(host)}\n`;
    }
  }
  if (m.outboundTrafficPolicy) {
    out += `  outboundTrafficPolicy:\n    mode: ${yamlScalar(
      m.outboundTrafficPolicy,
    )}\n`;
  }
  return out;
}

/**
 * Renders Sidecar objects as one multi-document YAML string (`---` between documents),
 * each egress host preceded by comments giving its reasons. Written directly rather
 * than through the `yaml` Document API, which took most of the time for hundreds of
 * per-workload Sidecars; scalars are quoted by {@link yamlScalar}, and tests check that
 * the text round-trips through `yaml.parseAllDocuments`. Deterministic for equal input.
 */
export function sidecarYaml(manifests: readonly SidecarManifest[]): string {
  return manifests.map(sidecarDocument).join('---\n');
}
