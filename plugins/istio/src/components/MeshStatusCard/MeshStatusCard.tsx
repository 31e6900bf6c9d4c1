import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
  StructuredMetadataTable,
} from '@backstage/core-components';
import type {
  IstioMeshConfig,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import { describeSupport } from '../../lib/meshStatus';

const KIND_LABELS: Record<string, string> = {
  sidecar: 'sidecar',
  'native-sidecar': 'sidecar (native)',
  gateway: 'gateway proxy',
  ambient: 'ambient',
  none: 'not in mesh',
};

/** The first control plane's support verdict (`check`: likely end of life — check). */
function Support({ mesh }: { mesh?: IstioMeshConfig }) {
  const plane = mesh?.controlPlanes[0];
  if (!plane) return <>unknown (control plane not read)</>;
  const { level, text } = describeSupport(plane, mesh?.kubernetesVersion);
  if (level === 'ok') return <StatusOK>{text}</StatusOK>;
  if (level === 'error') return <StatusError>{text}</StatusError>;
  return <StatusWarning>{text}</StatusWarning>;
}

/**
 * Is the entity in the mesh: per cluster and namespace, its pods' proxy kind and
 * version against the control plane, and the support verdict.
 */
export function MeshStatusCard(props: {
  memory: IstioSidecarMemoryResponse;
  meshByCluster: Record<string, IstioMeshConfig | undefined>;
}) {
  const { memory, meshByCluster } = props;
  return (
    <InfoCard title="Mesh status">
      {memory.items.map(item => {
        const mesh = meshByCluster[item.cluster];
        const kinds = [
          ...new Set(item.proxies.map(p => KIND_LABELS[p.proxyKind])),
        ];
        const versions = [
          ...new Set(item.proxies.map(p => p.proxyVersion).filter(Boolean)),
        ];
        const metadata: Record<string, React.ReactNode> = {
          Cluster: mesh?.title ?? item.cluster,
          Namespace: item.namespace,
          Pods: item.proxies.length,
          'Data plane': kinds.join(', ') || 'no pods',
          'Proxy versions': versions.length ? versions.join(', ') : 'unknown',
          'Control plane':
            mesh?.controlPlanes
              .map(
                c =>
                  `${c.revision} (${c.namespace}, ${
                    c.version ?? 'version unknown'
                  })`,
              )
              .join(', ') || 'unknown',
          Support: <Support mesh={mesh} />,
        };
        return (
          <StructuredMetadataTable
            key={`${item.cluster}/${item.namespace}`}
            metadata={metadata}
          />
        );
      })}
    </InfoCard>
  );
}
