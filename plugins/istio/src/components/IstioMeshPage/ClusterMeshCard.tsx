import {
  InfoCard,
  Link,
  StatusError,
  StatusOK,
  StatusWarning,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import type {
  IstioClusterSummary,
  IstioControlPlane,
  IstioMeshConfig,
} from '@istio-backstage/plugin-istio-common';
import { errorMessage } from '../../lib/errorMessage';
import { describeSourceError, describeSupport } from '../../lib/meshStatus';
import {
  describeCni,
  describeCollector,
  describeComponents,
  describeControlPlane,
  describeDataPlane,
  describeGateway,
  describeKialiService,
  describeMeshSize,
  describePrometheus,
  describeSampling,
} from '../../lib/meshConfigSummary';

function Support(props: {
  plane: IstioControlPlane;
  kubernetesVersion?: string;
}) {
  const { level, text } = describeSupport(props.plane, props.kubernetesVersion);
  if (level === 'ok') return <StatusOK>{text}</StatusOK>;
  if (level === 'error') return <StatusError>{text}</StatusError>;
  return <StatusWarning>{text}</StatusWarning>;
}

function Lines({ lines, none }: { lines: React.ReactNode[]; none: string }) {
  if (lines.length === 0) return <>{none}</>;
  return (
    <>
      {lines.map((line, i) => (
        <div key={i}>{line}</div>
      ))}
    </>
  );
}

/**
 * The tool links configured for a cluster (`istio.clusters[]`), or why they are unknown.
 * Prometheus is queried by the backend only, so it has no link.
 */
function ToolLinks(props: {
  summary?: IstioClusterSummary;
  clustersError?: Error;
}) {
  const { summary, clustersError } = props;
  if (clustersError) {
    return (
      <>
        unknown (the configured clusters could not be read:{' '}
        {errorMessage(clustersError)})
      </>
    );
  }
  if (!summary) return <>unknown (not in the configured clusters)</>;
  const tool = (name: string, key: string, url?: string) =>
    url ? (
      <Link to={url}>{name}</Link>
    ) : (
      `${name}: not configured (istio.clusters[].${key}.url)`
    );
  return (
    <Lines
      none=""
      lines={[
        tool('Kiali', 'kiali', summary.links.kialiUrl),
        tool('Grafana', 'grafana', summary.links.grafanaUrl),
        tool('Jaeger', 'jaeger', summary.links.jaegerUrl),
        summary.prometheusConfigured
          ? 'Prometheus: configured (queried by the backend)'
          : 'Prometheus: not configured (istio.clusters[].prometheus.url)',
      ]}
    />
  );
}

/** One cluster's installed mesh: control planes and support, data plane, tracing, gateways, CNI, tools. */
export function ClusterMeshCard(props: {
  mesh: IstioMeshConfig;
  summary?: IstioClusterSummary;
  clustersError?: Error;
}) {
  const { mesh, summary, clustersError } = props;
  const { tracing } = mesh;
  const metadata: Record<string, React.ReactNode> = {
    'Istio installed': mesh.istioInstalled,
    'Kubernetes version': mesh.kubernetesVersion ?? 'unknown',
    'Control planes': (
      <Lines
        none="none found"
        lines={mesh.controlPlanes.map(describeControlPlane)}
      />
    ),
    Support: (
      <Lines
        none="unknown (no control plane found)"
        lines={mesh.controlPlanes.map(plane => (
          <Support plane={plane} kubernetesVersion={mesh.kubernetesVersion} />
        ))}
      />
    ),
    Components: describeComponents(mesh),
    'Data plane': describeDataPlane(mesh),
    CNI: describeCni(mesh.cni),
    Tracing: `enabled: ${tracing.enabled}; configured in ${tracing.configuredIn}`,
    Sampling: describeSampling(tracing),
    'Tracing provider': tracing.provider ?? 'none',
    Collector: describeCollector(tracing.collector),
    Gateways: <Lines none="none" lines={mesh.gateways.map(describeGateway)} />,
    'Outbound traffic policy': mesh.outboundTrafficPolicy ?? 'unknown',
    Prometheus: describePrometheus(mesh.prometheus),
    'Kiali external services': (
      <Lines
        none={mesh.kiali.installed === 'yes' ? 'none configured' : 'no Kiali'}
        lines={mesh.kiali.externalServices.map(describeKialiService)}
      />
    ),
    'Tool links': <ToolLinks summary={summary} clustersError={clustersError} />,
    'Mesh size': describeMeshSize(mesh.meshSize),
  };
  return (
    <InfoCard
      title={mesh.title ?? mesh.cluster}
      subheader={`cluster ${mesh.cluster}, read at ${mesh.readAt}`}
    >
      {mesh.errors.length > 0 && (
        <WarningPanel
          severity="warning"
          title={`Part of cluster ${mesh.cluster} could not be read`}
          message={`${mesh.errors
            .map(e => `${e.source}: ${describeSourceError(e)}`)
            .join('; ')}. What depends on these sources says unknown.`}
        />
      )}
      <StructuredMetadataTable
        dense
        metadata={metadata}
        options={{ titleFormat: key => key }}
      />
    </InfoCard>
  );
}
