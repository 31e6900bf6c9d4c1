import {
  InfoCard,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
  StatusOK,
  StatusWarning,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATIONS,
  isIstioAvailable,
  type IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import useAsync from 'react-use/esm/useAsync';
import { useIstioApi } from '../../api';
import {
  describeMeshStatus,
  describeSourceError,
  describeUnknown,
  summarizeMeshStatus,
} from '../../lib/meshStatus';
import {
  describeEstimatedSaving,
  describeMeasuredSaving,
  describeProxyMemory,
} from '../../lib/sidecarSummary';

const TITLE = 'Service Mesh';
/** The entity's Service Mesh tab, relative to the entity page the card sits on. */
const TAB_LINK = { title: 'Open the Service Mesh tab', link: 'istio' };

/** Mesh status in one line: pods in the mesh per mode, clusters, and what is unknown. */
function MeshStatus({ memory }: { memory: IstioSidecarMemoryResponse }) {
  const summary = summarizeMeshStatus(memory);
  const unknown = summary.unknown.map(describeUnknown);
  if (summary.pods === 0) {
    const text = unknown.length
      ? unknown.join('; ')
      : 'no pods found in any configured cluster';
    return <StatusWarning>{text}</StatusWarning>;
  }
  const clusters = `${
    summary.clusters.length === 1 ? 'cluster' : 'clusters'
  } ${summary.clusters.join(', ')}`;
  const text = [
    `${describeMeshStatus(summary)} — ${clusters}`,
    ...unknown,
  ].join('; ');
  return summary.inMesh === summary.pods && unknown.length === 0 ? (
    <StatusOK>{text}</StatusOK>
  ) : (
    <StatusWarning>{text}</StatusWarning>
  );
}

function CardBody({ memory }: { memory: IstioSidecarMemoryResponse }) {
  const noPods = memory.items.every(i => i.proxies.length === 0);
  const metadata: Record<string, React.ReactNode> = {
    'Mesh status': <MeshStatus memory={memory} />,
  };
  // Without pods there is no memory to show nor anything to save: say so once above.
  if (!noPods) {
    metadata['istio-proxy memory now'] = describeProxyMemory(memory.items);
    metadata['Estimated saving'] = describeEstimatedSaving(memory.items);
    metadata['Measured saving'] = describeMeasuredSaving(memory.items);
  }
  return (
    <>
      {memory.errors.map(e => (
        <WarningPanel
          key={e.cluster}
          severity="warning"
          title={`Cluster ${e.cluster} could not be read`}
          message={`${describeSourceError(e)}.${
            memory.items.length ? ' The other clusters are shown.' : ''
          }`}
        />
      ))}
      <StructuredMetadataTable
        dense
        metadata={metadata}
        options={{ titleFormat: key => key }}
      />
    </>
  );
}

function MeshSummary() {
  const { entity } = useEntity();
  const istioApi = useIstioApi();
  const entityRef = stringifyEntityRef(entity);
  const state = useAsync(
    () => istioApi.getSidecarMemory({ entityRef }),
    [istioApi, entityRef],
  );
  let body: React.ReactNode;
  if (state.loading) body = <Progress />;
  else if (state.error) body = <ResponseErrorPanel error={state.error} />;
  else body = <CardBody memory={state.value!} />;
  return (
    <InfoCard title={TITLE} deepLink={TAB_LINK}>
      {body}
    </InfoCard>
  );
}

/**
 * Overview card: how many of the entity's pods are in the mesh, their istio-proxy memory
 * now, and what the recommended Sidecar saves (estimated, and measured once applied).
 *
 * @public
 */
export function EntityIstioCard() {
  const { entity } = useEntity();
  if (!isIstioAvailable(entity)) {
    return (
      <InfoCard title={TITLE}>
        <MissingAnnotationEmptyState
          annotation={[
            ANNOTATIONS.kubernetesId,
            ANNOTATIONS.kubernetesLabelSelector,
          ]}
        />
      </InfoCard>
    );
  }
  return <MeshSummary />;
}
