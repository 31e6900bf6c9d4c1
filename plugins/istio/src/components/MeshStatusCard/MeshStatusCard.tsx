import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type {
  IstioMeshConfig,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import Divider from '@material-ui/core/Divider';
import { describeSupport } from '../../lib/meshStatus';
import { istioTranslationRef, type IstioTranslation } from '../../translation';
import { FieldList, type Field } from '../FieldList';

const KIND_KEYS = {
  sidecar: 'meshStatusCard.proxyKind.sidecar',
  'native-sidecar': 'meshStatusCard.proxyKind.nativeSidecar',
  gateway: 'meshStatusCard.proxyKind.gateway',
  ambient: 'meshStatusCard.proxyKind.ambient',
  none: 'meshStatusCard.proxyKind.none',
} as const;

type Item = IstioSidecarMemoryResponse['items'][number];

/** The first control plane's support verdict (`check`: likely end of life — check). */
function Support({ mesh }: { mesh?: IstioMeshConfig }) {
  const { t } = useTranslationRef(istioTranslationRef);
  const plane = mesh?.controlPlanes[0];
  if (!plane) return <>{t('meshStatusCard.supportUnknown')}</>;
  const { level, text } = describeSupport(t, plane, mesh?.kubernetesVersion);
  if (level === 'ok') return <StatusOK>{text}</StatusOK>;
  if (level === 'error') return <StatusError>{text}</StatusError>;
  return <StatusWarning>{text}</StatusWarning>;
}

/** One cluster and namespace: where the pods run, their proxies, and the control plane. */
function itemFields(
  t: IstioTranslation,
  item: Item,
  mesh?: IstioMeshConfig,
): Field[] {
  const kinds = [
    ...new Set(
      item.proxies.map(p =>
        KIND_KEYS[p.proxyKind] ? t(KIND_KEYS[p.proxyKind]) : p.proxyKind,
      ),
    ),
  ];
  const versions = [
    ...new Set(item.proxies.map(p => p.proxyVersion).filter(Boolean)),
  ];
  const planes = mesh?.controlPlanes.map(c =>
    t('meshStatusCard.controlPlane', {
      revision: c.revision,
      namespace: c.namespace,
      version: c.version ?? t('meshStatusCard.versionUnknown'),
    }),
  );
  return [
    {
      label: t('meshStatusCard.fields.cluster'),
      value: mesh?.title ?? item.cluster,
    },
    { label: t('meshStatusCard.fields.namespace'), value: item.namespace },
    { label: t('meshStatusCard.fields.pods'), value: item.proxies.length },
    {
      label: t('meshStatusCard.fields.dataPlane'),
      value: kinds.join(', ') || t('meshStatusCard.noPods'),
    },
    {
      label: t('meshStatusCard.fields.proxyVersions'),
      value: versions.length ? versions.join(', ') : t('values.unknown'),
    },
    {
      label: t('meshStatusCard.fields.controlPlane'),
      value: planes?.join(', ') || t('values.unknown'),
    },
    {
      label: t('meshStatusCard.fields.support'),
      wide: true,
      value: <Support mesh={mesh} />,
      testId: 'istio-mesh-status-support',
    },
  ];
}

/**
 * Is the entity in the mesh: per cluster and namespace, its pods' proxy kind and
 * version against the control plane, and the support verdict. Label above value, in
 * as many columns as the card's width allows.
 */
export function MeshStatusCard(props: {
  memory: IstioSidecarMemoryResponse;
  meshByCluster: Record<string, IstioMeshConfig | undefined>;
}) {
  const { memory, meshByCluster } = props;
  const { t } = useTranslationRef(istioTranslationRef);
  return (
    <InfoCard title={t('meshStatusCard.title')}>
      {memory.items.map((item, i) => (
        <div
          key={`${item.cluster}/${item.namespace}`}
          data-testid="istio-mesh-status-item"
        >
          {i > 0 && <Divider style={{ margin: '16px 0' }} />}
          <FieldList
            columnWidth={140}
            fields={itemFields(t, item, meshByCluster[item.cluster])}
          />
        </div>
      ))}
    </InfoCard>
  );
}
