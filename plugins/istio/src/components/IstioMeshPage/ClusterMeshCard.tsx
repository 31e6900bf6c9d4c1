import {
  InfoCard,
  Link,
  StatusError,
  StatusOK,
  StatusWarning,
  WarningPanel,
} from '@backstage/core-components';
import type {
  IstioClusterSummary,
  IstioControlPlane,
  IstioMeshConfig,
} from '@istio-backstage/plugin-istio-common';
import Button from '@material-ui/core/Button';
import Collapse from '@material-ui/core/Collapse';
import ExpandLess from '@material-ui/icons/ExpandLess';
import ExpandMore from '@material-ui/icons/ExpandMore';
import { useState } from 'react';
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
import { FieldList, type Field } from '../FieldList';

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

/** The first screen: which Istio runs, whether it is supported, and how big the mesh is. */
function summaryFields(mesh: IstioMeshConfig): Field[] {
  return [
    {
      label: 'Control planes',
      wide: true,
      value: (
        <Lines
          none="none found"
          lines={mesh.controlPlanes.map(describeControlPlane)}
        />
      ),
    },
    {
      label: 'Support',
      wide: true,
      value: (
        <Lines
          none="unknown (no control plane found)"
          lines={mesh.controlPlanes.map(plane => (
            <Support plane={plane} kubernetesVersion={mesh.kubernetesVersion} />
          ))}
        />
      ),
    },
    { label: 'Kubernetes version', value: mesh.kubernetesVersion ?? 'unknown' },
    { label: 'Istio installed', value: mesh.istioInstalled },
    { label: 'Mesh size', wide: true, value: describeMeshSize(mesh.meshSize) },
  ];
}

/** Everything else, behind "Show all details". */
function detailFields(
  mesh: IstioMeshConfig,
  summary?: IstioClusterSummary,
  clustersError?: Error,
): Field[] {
  const { tracing } = mesh;
  return [
    { label: 'Components', value: describeComponents(mesh) },
    { label: 'Data plane', value: describeDataPlane(mesh) },
    { label: 'CNI', value: describeCni(mesh.cni) },
    {
      label: 'Tracing',
      value: `enabled: ${tracing.enabled}; configured in ${tracing.configuredIn}`,
    },
    { label: 'Sampling', value: describeSampling(tracing) },
    { label: 'Tracing provider', value: tracing.provider ?? 'none' },
    { label: 'Collector', value: describeCollector(tracing.collector) },
    {
      label: 'Gateways',
      value: <Lines none="none" lines={mesh.gateways.map(describeGateway)} />,
    },
    {
      label: 'Outbound traffic policy',
      value: mesh.outboundTrafficPolicy ?? 'unknown',
    },
    { label: 'Prometheus', value: describePrometheus(mesh.prometheus) },
    {
      label: 'Kiali external services',
      value: (
        <Lines
          none={mesh.kiali.installed === 'yes' ? 'none configured' : 'no Kiali'}
          lines={mesh.kiali.externalServices.map(describeKialiService)}
        />
      ),
    },
    {
      label: 'Tool links',
      value: <ToolLinks summary={summary} clustersError={clustersError} />,
    },
  ];
}

/**
 * One cluster's installed mesh: a compact summary (control planes, support, size) that
 * leaves room for the diagnostics on the first screen, and every other fact on demand.
 */
export function ClusterMeshCard(props: {
  mesh: IstioMeshConfig;
  summary?: IstioClusterSummary;
  clustersError?: Error;
}) {
  const { mesh } = props;
  const [open, setOpen] = useState(false);
  return (
    <InfoCard
      variant="gridItem"
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
      <div data-testid="istio-cluster-summary">
        <FieldList columnWidth={140} fields={summaryFields(mesh)} />
      </div>
      <Button
        size="small"
        color="primary"
        aria-expanded={open}
        startIcon={open ? <ExpandLess /> : <ExpandMore />}
        onClick={() => setOpen(o => !o)}
      >
        {open ? 'Hide all details' : 'Show all details'}
      </Button>
      <Collapse in={open} data-testid="istio-cluster-details">
        <FieldList
          columnWidth={260}
          fields={detailFields(mesh, props.summary, props.clustersError)}
        />
      </Collapse>
    </InfoCard>
  );
}
