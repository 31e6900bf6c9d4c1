import { memoizeByString } from '../memoizeByString';
import { INJECTION_LABEL, REVISION_LABEL } from './dataPlane';

// Which control plane revision configures a pod, as Istio's sidecar injection webhooks
// pick it (the istiod chart's mutatingwebhook.yaml and revision-tags.yaml), and the
// revision tags that `istioctl tag` / the chart's `revisionTags` create.

/** Label of a revision tag's MutatingWebhookConfiguration that names the tag. */
export const TAG_LABEL = 'istio.io/tag';
/** Pod label (and annotation) that turns injection on (`true`) or off (`false`) for one pod. */
export const POD_INJECT_LABEL = 'sidecar.istio.io/inject';
/** Annotation the injector writes on every pod it injects (JSON; `revision` names istiod's). */
export const SIDECAR_STATUS_ANNOTATION = 'sidecar.istio.io/status';

/** A revision tag: the alias `tag` that `istio.io/rev` labels may name instead of `revision`. */
export interface RevisionTag {
  tag: string;
  revision: string;
}

/** The part of a MutatingWebhookConfiguration read for its tag. */
export interface TagWebhook {
  metadata?: { name?: string; labels?: Record<string, string> };
}

/**
 * The revision tags of a cluster, from the MutatingWebhookConfigurations listed with the
 * label selector `istio.io/tag`: `istio-revision-tag-<tag>` (with `-<namespace>` when
 * istiod is not in `istio-system`), labelled `istio.io/tag=<tag>` and
 * `istio.io/rev=<revision>`. One entry per tag, sorted by tag.
 */
export function revisionTagsOf(webhooks: readonly TagWebhook[]): RevisionTag[] {
  const byTag = new Map<string, string>();
  for (const webhook of webhooks) {
    const labels = webhook.metadata?.labels ?? {};
    const tag = labels[TAG_LABEL];
    if (!tag || byTag.has(tag)) continue;
    byTag.set(tag, labels[REVISION_LABEL] || 'default');
  }
  return [...byTag.entries()]
    .map(([tag, revision]) => ({ tag, revision }))
    .sort((a, b) => a.tag.localeCompare(b.tag));
}

/** What a revision choice rests on: the installed revisions, and the tags when known. */
export interface RevisionFacts {
  /** Revisions of the istiod Deployments found. */
  revisions: readonly string[];
  /** The revision tags; undefined when they could not be read. */
  tags?: readonly RevisionTag[];
  /**
   * True when the injection webhooks let a pod's `istio.io/rev` win over its
   * namespace's (chart value `sidecarInjectorWebhook.revisionLabelPrecedence: pod`,
   * newer Istio releases; the default, `namespace`, lets the namespace's win).
   */
  podLabelFirst?: boolean;
}

/** The control plane revision a pod or namespace resolves to, and why. */
export interface RevisionChoice {
  /** The istiod revision; undefined when nothing injects (or, with `unknown`, when that cannot be told). */
  revision?: string;
  /** What decided, e.g. `namespace label istio.io/rev=prod (tag prod → revision 1-30)`. */
  decidedBy: string;
  /** True when the choice rests on revision tags that could not be read. */
  unknown?: boolean;
}

/** The `revision` of a `sidecar.istio.io/status` annotation (the same on every pod of a revision). */
export const revisionOfStatus = memoizeByString(
  (status: string): string | undefined => {
    try {
      const parsed: unknown = JSON.parse(status);
      const revision = (parsed as { revision?: unknown } | null)?.revision;
      return typeof revision === 'string' && revision ? revision : undefined;
    } catch {
      // A malformed annotation names no revision.
      return undefined;
    }
  },
);

/**
 * The revision an `istio.io/rev` value selects: a tag's revision, else the revision of
 * that name, else none (no webhook selects it). With the tags unknown, only a value that
 * no tag can shadow is certain: an installed revision other than `default` (a tag may
 * not take a revision's name; only `default` is both), or `default` when it is the only
 * revision installed.
 */
function revisionNamed(
  value: string,
  facts: RevisionFacts,
  via: string,
): RevisionChoice {
  const tag = facts.tags?.find(t => t.tag === value);
  if (tag)
    return {
      revision: tag.revision,
      decidedBy: `${via} (tag ${value} → revision ${tag.revision})`,
    };
  const installed = facts.revisions.includes(value);
  if (facts.tags) {
    return installed
      ? { revision: value, decidedBy: via }
      : {
          decidedBy: `${via}: no installed revision or revision tag is named ${value}, so no webhook injects`,
        };
  }
  const onlyDefault =
    value === 'default' &&
    facts.revisions.length > 0 &&
    facts.revisions.every(r => r === 'default');
  if ((installed && value !== 'default') || onlyDefault)
    return { revision: value, decidedBy: via };
  return {
    decidedBy: `${via}: the revision tags could not be read, so the revision it names is unknown`,
    unknown: true,
  };
}

/**
 * The `default` injection path (`istio-injection=enabled`, or a pod labelled
 * `sidecar.istio.io/inject=true` in an unlabelled namespace): the revision the
 * `default` tag points to, else the `default` revision.
 */
function defaultInjection(facts: RevisionFacts, via: string): RevisionChoice {
  const choice = revisionNamed('default', facts, via);
  if (choice.revision || choice.unknown) return choice;
  return {
    decidedBy: `${via}: no default revision and no default tag is installed, so no webhook injects`,
  };
}

/** Whether a pod turns injection off (label, which the webhooks match, or annotation, which the injector reads). */
function injectionOff(
  labels: Readonly<Record<string, string>>,
  annotations: Readonly<Record<string, string>>,
): boolean {
  return (
    labels[POD_INJECT_LABEL] === 'false' ||
    annotations[POD_INJECT_LABEL] === 'false'
  );
}

/**
 * The revision that would inject a new pod with these labels into a namespace with
 * these labels, as the injection webhooks select: a namespace `istio-injection` label
 * decides first (`enabled`: the default path; any other value: no injection) and
 * hides `istio.io/rev`; then the namespace's `istio.io/rev` (a revision or a tag),
 * which hides the pod's (unless the webhooks give the pod's precedence:
 * {@link RevisionFacts.podLabelFirst}); then the pod's `istio.io/rev`; then a pod label
 * `sidecar.istio.io/inject=true` (the default path). `sidecar.istio.io/inject=false` on
 * the pod turns injection off in every case. (`enableNamespacesByDefault` is not modelled.)
 */
export function revisionForNewPod(
  pod: {
    labels?: Readonly<Record<string, string>>;
    annotations?: Readonly<Record<string, string>>;
  },
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  facts: RevisionFacts,
): RevisionChoice {
  const labels = pod.labels ?? {};
  const ns = namespaceLabels ?? {};
  if (injectionOff(labels, pod.annotations ?? {}))
    return { decidedBy: `pod ${POD_INJECT_LABEL}=false` };
  const injection = ns[INJECTION_LABEL];
  if (injection !== undefined) {
    const via = `namespace label ${INJECTION_LABEL}=${injection}`;
    return injection === 'enabled'
      ? defaultInjection(facts, via)
      : { decidedBy: `${via}: no injection` };
  }
  if (
    ns[REVISION_LABEL] !== undefined &&
    !(facts.podLabelFirst && labels[REVISION_LABEL] !== undefined)
  )
    return revisionNamed(
      ns[REVISION_LABEL],
      facts,
      `namespace label ${REVISION_LABEL}=${ns[REVISION_LABEL]}`,
    );
  if (labels[REVISION_LABEL] !== undefined)
    return revisionNamed(
      labels[REVISION_LABEL],
      facts,
      `pod label ${REVISION_LABEL}=${labels[REVISION_LABEL]}`,
    );
  if (labels[POD_INJECT_LABEL] === 'true')
    return defaultInjection(facts, `pod label ${POD_INJECT_LABEL}=true`);
  return { decidedBy: 'no injection label on the namespace or the pod' };
}

/** The revision new pods of a namespace get (pods without injection labels of their own). */
export function revisionOfNamespace(
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  facts: RevisionFacts,
): RevisionChoice {
  return revisionForNewPod({}, namespaceLabels, facts);
}

/**
 * The revision whose istiod configures a running pod's proxy: the one that injected it
 * (`revision` of its `sidecar.istio.io/status` annotation), else its `istio.io/rev`
 * label (a revision or a tag), else what its and its namespace's labels select now.
 */
export function revisionOfPod(
  pod: {
    metadata?: {
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
  },
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  facts: RevisionFacts,
): RevisionChoice {
  const status = pod.metadata?.annotations?.[SIDECAR_STATUS_ANNOTATION];
  const injected = status ? revisionOfStatus(status) : undefined;
  if (injected)
    return {
      revision: injected,
      decidedBy: `pod annotation ${SIDECAR_STATUS_ANNOTATION}`,
    };
  const label = pod.metadata?.labels?.[REVISION_LABEL];
  if (label !== undefined)
    return revisionNamed(label, facts, `pod label ${REVISION_LABEL}=${label}`);
  const now = revisionForNewPod(
    {
      labels: pod.metadata?.labels,
      annotations: pod.metadata?.annotations,
    },
    namespaceLabels,
    facts,
  );
  return {
    ...now,
    decidedBy: `${now.decidedBy} (no injection record on the pod: what its labels select now)`,
  };
}

/** The tags pointing at a revision, sorted; undefined when the tags are unknown. */
export function tagsOfRevision(
  revision: string,
  tags: readonly RevisionTag[] | undefined,
): string[] | undefined {
  return tags
    ?.filter(t => t.revision === revision)
    .map(t => t.tag)
    .sort();
}
