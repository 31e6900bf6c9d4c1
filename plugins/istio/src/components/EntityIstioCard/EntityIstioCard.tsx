import {
  InfoCard,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
  StatusOK,
  StatusWarning,
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
import { FieldList, type Field } from '../FieldList';

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
  // Label above value: the card often sits in a narrow side column of the Overview tab.
  const fields: Field[] = [
    {
      label: 'Mesh status',
      value: <MeshStatus memory={memory} />,
      wide: true,
      testId: 'istio-overview-status-value',
    },
  ];
  // Without pods there is no memory to show nor anything to save: say so once above.
  if (!noPods) {
    fields.push(
      {
        label: 'istio-proxy memory now',
        value: describeProxyMemory(memory.items),
        testId: 'istio-overview-memory-value',
      },
      {
        label: 'Estimated saving',
        value: describeEstimatedSaving(memory.items),
        testId: 'istio-overview-estimated-saving-value',
      },
      {
        label: 'Measured saving',
        value: describeMeasuredSaving(memory.items),
        testId: 'istio-overview-measured-saving-value',
      },
    );
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
      <FieldList fields={fields} />
    </>
  );
}

function MeshSummary() {
  const { entity } = useEntity();
  const istioApi = useIstioApi();
  const entityRef = stringifyEntityRef(entity);
  // The request the Service Mesh tab makes: the card shows part of its answer.
  const state = useAsync(
    async () => (await istioApi.getEntityMesh({ entityRef })).sidecarMemory,
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
