import type { ClusterClient } from '@istio-backstage/plugin-istio-node';
import type { WireList } from './listPaged';
import { REVISION_TAG_WEBHOOKS } from '../mesh/meshConfigMaps';
import {
  revisionTagsOf,
  type RevisionTag,
  type TagWebhook,
} from '../mesh/revisions';

/**
 * Reads the revision tags: the MutatingWebhookConfigurations labelled `istio.io/tag`
 * (cluster-scoped, `admissionregistration.k8s.io/v1`). Any failure throws — a 404
 * included, since Kubernetes always serves that type: the caller reports the tags as
 * unknown, never as "none".
 */
export async function readRevisionTags(
  client: ClusterClient,
): Promise<RevisionTag[]> {
  const list = await client.read(apis =>
    apis.getJson<WireList<TagWebhook>>(REVISION_TAG_WEBHOOKS.path, {
      labelSelector: REVISION_TAG_WEBHOOKS.labelSelector,
    }),
  );
  return revisionTagsOf(list.items ?? []);
}
