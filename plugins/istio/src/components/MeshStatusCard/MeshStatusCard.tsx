import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import type {
  IstioMeshConfig,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import Divider from '@material-ui/core/Divider';
import { describeSupport } from '../../lib/meshStatus';
import { FieldList, type Field } from '../FieldList';

const KIND_LABELS: Record<string, string> = {
  sidecar: 'sidecar',
  'native-sidecar': 'sidecar (native)',
  gateway: 'gateway proxy',
  ambient: 'ambient',
  none: 'not in mesh',
};

type Item = IstioSidecarMemoryResponse['items'][number];

/** The first control plane's support verdict (`check`: likely end of life — check). */
function Support({ mesh }: { mesh?: IstioMeshConfig }) {
  const plane = mesh?.controlPlanes[0];
  if (!plane) return <>unknown (control plane not read)</>;
  const { level, text } = describeSupport(plane, mesh?.kubernetesVersion);
  if (level === 'ok') return <StatusOK>{text}</StatusOK>;
  if (level === 'error') return <StatusError>{text}</StatusError>;
  return <StatusWarning>{text}</StatusWarning>;
}

/** One cluster and namespace: where the pods run, their proxies, and the control plane. */
function itemFields(item: Item, mesh?: IstioMeshConfig): Field[] {
  const kinds = [...new Set(item.proxies.map(p => KIND_LABELS[p.proxyKind]))];
  const versions = [
    ...new Set(item.proxies.map(p => p.proxyVersion).filter(Boolean)),
  ];
  const planes = mesh?.controlPlanes.map(
    c => `${c.revision} (${c.namespace}, ${c.version ?? 'version unknown'})`,
  );
  return [
    { label: 'Cluster', value: mesh?.title ?? item.cluster },
    { label: 'Namespace', value: item.namespace },
    { label: 'Pods', value: item.proxies.length },
    { label: 'Data plane', value: kinds.join(', ') || 'no pods' },
    {
      label: 'Proxy versions',
      value: versions.length ? versions.join(', ') : 'unknown',
    },
    { label: 'Control plane', value: planes?.join(', ') || 'unknown' },
    {
      label: 'Support',
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
  return (
    <InfoCard title="Mesh status">
      {memory.items.map((item, i) => (
        <div
          key={`${item.cluster}/${item.namespace}`}
          data-testid="istio-mesh-status-item"
        >
          {i > 0 && <Divider style={{ margin: '16px 0' }} />}
          <FieldList
            columnWidth={140}
            fields={itemFields(item, meshByCluster[item.cluster])}
          />
        </div>
      ))}
    </InfoCard>
  );
}
