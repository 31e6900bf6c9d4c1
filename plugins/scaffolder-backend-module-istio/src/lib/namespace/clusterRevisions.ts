import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  toSourceError,
  type ClusterClient,
} from '@istio-backstage/plugin-istio-node';
import type { V1Deployment } from '@kubernetes/client-node';
import { istioVersionOfImage } from '../clusterVersions';

/** A control plane of the cluster: an istiod Deployment and its revision. */
export interface ClusterRevision {
  name: string;
  namespace: string;
  /** The Istio version of its image, when the tag says it. */
  version?: string;
}

/** The control planes a namespace can be bound to: revisions, and tags naming them. */
export interface ClusterRevisions {
  revisions: ClusterRevision[];
  /** From the `istio-revision-tag-<tag>` webhooks `istioctl tag set` creates. */
  tags: Array<{ tag: string; revision: string }>;
}

interface WireWebhookList {
  items?: Array<{ metadata?: { labels?: Record<string, string> } }>;
}

function revisionOf(deployment: V1Deployment): ClusterRevision {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  const image = (containers.find(c => c.name === 'discovery') ?? containers[0])
    ?.image;
  const version = image ? istioVersionOfImage(image) : undefined;
  return {
    name: deployment.metadata?.labels?.['istio.io/rev'] ?? 'default',
    namespace: deployment.metadata?.namespace ?? '',
    ...(version ? { version } : {}),
  };
}

/**
 * Reads the cluster's control-plane revisions (istiod Deployments in any namespace) and
 * revision tags, live. A failed read fails the caller: a namespace is never bound to a
 * revision nobody checked.
 */
export async function readClusterRevisions(
  client: ClusterClient,
): Promise<ClusterRevisions> {
  try {
    const [deployments, webhooks] = await Promise.all([
      client.read(apis =>
        apis.apps.listDeploymentForAllNamespaces({
          labelSelector: 'app=istiod',
        }),
      ),
      client.read(apis =>
        apis.getJson<WireWebhookList>(
          '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
          { labelSelector: 'istio.io/tag' },
        ),
      ),
    ]);
    const tags = (webhooks.items ?? []).flatMap(w => {
      const labels = w.metadata?.labels ?? {};
      const tag = labels['istio.io/tag'];
      const revision = labels['istio.io/rev'];
      return tag && revision ? [{ tag, revision }] : [];
    });
    return { revisions: deployments.items.map(revisionOf), tags };
  } catch (error) {
    throw new ServiceUnavailableError(
      `Could not read the control-plane revisions of cluster '${
        client.cluster.name
      }': ${toSourceError('kubernetes', error).message}`,
    );
  }
}

/**
 * What binding a namespace to `choice` (a revision or a revision tag) means on this
 * cluster, as a note for the task log and the dry run; an input error naming the
 * revisions and tags there are when the cluster has no such control plane.
 */
export function describeRevisionChoice(
  choice: string,
  found: ClusterRevisions,
): string {
  const describe = (revision: ClusterRevision) =>
    `revision ${revision.name} (istiod in ${revision.namespace}${
      revision.version ? `, Istio ${revision.version}` : ''
    })`;
  const direct = found.revisions.find(r => r.name === choice);
  if (direct) return `istio.io/rev=${choice}: injected by ${describe(direct)}`;
  const tag = found.tags.find(t => t.tag === choice);
  const tagged = tag && found.revisions.find(r => r.name === tag.revision);
  if (tag && tagged)
    return `istio.io/rev=${choice}: tag ${choice} → ${describe(tagged)}`;
  const known = [
    ...found.revisions.map(r => r.name),
    ...found.tags.map(t => `${t.tag} (tag)`),
  ];
  throw new InputError(
    tag
      ? `Revision tag '${choice}' points to revision '${tag.revision}', which has no istiod on the cluster`
      : `The cluster has no control-plane revision or tag '${choice}'; it has ${
          known.length ? known.join(', ') : 'no istiod'
        }`,
  );
}
