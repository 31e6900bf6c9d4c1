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
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
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
import { istioTranslationRef } from '../../translation';
import { FieldList, type Field } from '../FieldList';

/** The entity's Service Mesh tab, relative to the entity page the card sits on. */
const TAB_PATH = 'istio';

/** Mesh status in one line: pods in the mesh per mode, clusters, and what is unknown. */
function MeshStatus({ memory }: { memory: IstioSidecarMemoryResponse }) {
  const { t } = useTranslationRef(istioTranslationRef);
  const summary = summarizeMeshStatus(memory);
  const unknown = summary.unknown.map(u => describeUnknown(t, u));
  if (summary.pods === 0) {
    const text = unknown.length ? unknown.join('; ') : t('entityCard.noPods');
    return <StatusWarning>{text}</StatusWarning>;
  }
  const inClusters = t('entityCard.inClusters', {
    count: summary.clusters.length,
    status: describeMeshStatus(t, summary),
    clusters: summary.clusters.join(', '),
  });
  const text = [inClusters, ...unknown].join('; ');
  return summary.inMesh === summary.pods && unknown.length === 0 ? (
    <StatusOK>{text}</StatusOK>
  ) : (
    <StatusWarning>{text}</StatusWarning>
  );
}

function CardBody({ memory }: { memory: IstioSidecarMemoryResponse }) {
  const { t } = useTranslationRef(istioTranslationRef);
  const noPods = memory.items.every(i => i.proxies.length === 0);
  // Label above value: the card often sits in a narrow side column of the Overview tab.
  const fields: Field[] = [
    {
      label: t('entityCard.fields.meshStatus'),
      value: <MeshStatus memory={memory} />,
      wide: true,
      testId: 'istio-overview-status-value',
    },
  ];
  // Without pods there is no memory to show nor anything to save: say so once above.
  if (!noPods) {
    fields.push(
      {
        label: t('entityCard.fields.proxyMemory'),
        value: describeProxyMemory(memory.items),
        testId: 'istio-overview-memory-value',
      },
      {
        label: t('entityCard.fields.estimatedSaving'),
        value: describeEstimatedSaving(memory.items),
        testId: 'istio-overview-estimated-saving-value',
      },
      {
        label: t('entityCard.fields.measuredSaving'),
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
          title={t('clusterError.title', { cluster: e.cluster })}
          message={
            memory.items.length
              ? t('clusterError.messageOthersShown', {
                  error: describeSourceError(e),
                })
              : t('clusterError.message', { error: describeSourceError(e) })
          }
        />
      ))}
      <FieldList fields={fields} />
    </>
  );
}

function MeshSummary() {
  const { t } = useTranslationRef(istioTranslationRef);
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
    <InfoCard
      title={t('entityCard.title')}
      deepLink={{ title: t('entityCard.openTab'), link: TAB_PATH }}
    >
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
  const { t } = useTranslationRef(istioTranslationRef);
  const { entity } = useEntity();
  if (!isIstioAvailable(entity)) {
    return (
      <InfoCard title={t('entityCard.title')}>
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
