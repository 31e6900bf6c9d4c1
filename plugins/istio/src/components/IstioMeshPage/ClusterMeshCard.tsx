import {
  InfoCard,
  Link,
  StatusError,
  StatusOK,
  StatusWarning,
  WarningPanel,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type {
  IstioClusterSummary,
  IstioControlPlane,
  IstioMeshConfig,
} from '@istio-backstage/plugin-istio-common';
import Collapse from '@material-ui/core/Collapse';
import { useState } from 'react';
import { ExpandButton } from '../ExpandButton';
import { errorMessage } from '../../lib/errorMessage';
import { formatDateTime } from '../../lib/measuredSaving';
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
import { istioTranslationRef, type IstioTranslation } from '../../translation';
import { FieldList, type Field } from '../FieldList';

function Support(props: {
  plane: IstioControlPlane;
  kubernetesVersion?: string;
}) {
  const { t } = useTranslationRef(istioTranslationRef);
  const { level, text } = describeSupport(
    t,
    props.plane,
    props.kubernetesVersion,
  );
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
  const { t } = useTranslationRef(istioTranslationRef);
  if (clustersError) {
    return (
      <>
        {t('clusterMeshCard.toolLinksError', {
          error: errorMessage(clustersError),
        })}
      </>
    );
  }
  if (!summary) return <>{t('clusterMeshCard.toolLinksNotConfigured')}</>;
  const tool = (name: string, key: string, url?: string) =>
    url ? (
      <Link to={url}>{name}</Link>
    ) : (
      t('clusterMeshCard.toolNotConfigured', { tool: name, key })
    );
  return (
    <Lines
      none=""
      lines={[
        tool('Kiali', 'kiali', summary.links.kialiUrl),
        tool('Grafana', 'grafana', summary.links.grafanaUrl),
        tool('Jaeger', 'jaeger', summary.links.jaegerUrl),
        summary.prometheusConfigured
          ? t('clusterMeshCard.prometheusConfigured')
          : t('clusterMeshCard.prometheusNotConfigured'),
      ]}
    />
  );
}

/** The first screen: which Istio runs, whether it is supported, and how big the mesh is. */
function summaryFields(t: IstioTranslation, mesh: IstioMeshConfig): Field[] {
  return [
    {
      label: t('clusterMeshCard.fields.controlPlanes'),
      wide: true,
      value: (
        <Lines
          none={t('clusterMeshCard.noneFound')}
          lines={mesh.controlPlanes.map(describeControlPlane)}
        />
      ),
    },
    {
      label: t('clusterMeshCard.fields.support'),
      wide: true,
      value: (
        <Lines
          none={t('clusterMeshCard.supportUnknown')}
          lines={mesh.controlPlanes.map(plane => (
            <Support plane={plane} kubernetesVersion={mesh.kubernetesVersion} />
          ))}
        />
      ),
    },
    {
      label: t('clusterMeshCard.fields.kubernetesVersion'),
      value: mesh.kubernetesVersion ?? t('values.unknown'),
    },
    {
      label: t('clusterMeshCard.fields.istioInstalled'),
      value: t(`values.${mesh.istioInstalled}`),
    },
    {
      label: t('clusterMeshCard.fields.meshSize'),
      wide: true,
      value: describeMeshSize(mesh.meshSize),
    },
  ];
}

/** Everything else, behind "Show all details". */
function detailFields(
  t: IstioTranslation,
  mesh: IstioMeshConfig,
  summary?: IstioClusterSummary,
  clustersError?: Error,
): Field[] {
  const { tracing } = mesh;
  return [
    {
      label: t('clusterMeshCard.fields.components'),
      value: describeComponents(mesh),
    },
    {
      label: t('clusterMeshCard.fields.dataPlane'),
      value: describeDataPlane(mesh),
    },
    { label: t('clusterMeshCard.fields.cni'), value: describeCni(mesh.cni) },
    {
      label: t('clusterMeshCard.fields.tracing'),
      value: t('clusterMeshCard.tracing', {
        enabled: t(`values.${tracing.enabled}`),
        configuredIn: tracing.configuredIn,
      }),
    },
    {
      label: t('clusterMeshCard.fields.sampling'),
      value: describeSampling(tracing),
    },
    {
      label: t('clusterMeshCard.fields.tracingProvider'),
      value: tracing.provider ?? t('values.none'),
    },
    {
      label: t('clusterMeshCard.fields.collector'),
      value: describeCollector(tracing.collector),
    },
    {
      label: t('clusterMeshCard.fields.gateways'),
      value: (
        <Lines
          none={t('values.none')}
          lines={mesh.gateways.map(describeGateway)}
        />
      ),
    },
    {
      label: t('clusterMeshCard.fields.outboundTrafficPolicy'),
      value: mesh.outboundTrafficPolicy ?? t('values.unknown'),
    },
    {
      label: t('clusterMeshCard.fields.prometheus'),
      value: describePrometheus(mesh.prometheus),
    },
    {
      label: t('clusterMeshCard.fields.kialiExternalServices'),
      value: (
        <Lines
          none={
            mesh.kiali.installed === 'yes'
              ? t('clusterMeshCard.noneConfigured')
              : t('clusterMeshCard.noKiali')
          }
          lines={mesh.kiali.externalServices.map(describeKialiService)}
        />
      ),
    },
    {
      label: t('clusterMeshCard.fields.toolLinks'),
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
  const { t } = useTranslationRef(istioTranslationRef);
  const [open, setOpen] = useState(false);
  return (
    <InfoCard
      variant="gridItem"
      title={mesh.title ?? mesh.cluster}
      subheader={t('clusterMeshCard.subheader', {
        cluster: mesh.cluster,
        readAt: formatDateTime(mesh.readAt),
      })}
    >
      {mesh.errors.length > 0 && (
        <WarningPanel
          severity="warning"
          title={t('clusterMeshCard.partialErrorTitle', {
            cluster: mesh.cluster,
          })}
          message={t('clusterMeshCard.partialErrorMessage', {
            errors: mesh.errors
              .map(e => `${e.source}: ${describeSourceError(e)}`)
              .join('; '),
          })}
        />
      )}
      <div data-testid="istio-cluster-summary">
        <FieldList columnWidth={140} fields={summaryFields(t, mesh)} />
      </div>
      <ExpandButton
        open={open}
        onToggle={() => setOpen(o => !o)}
        showLabel={t('clusterMeshCard.showDetails')}
        hideLabel={t('clusterMeshCard.hideDetails')}
      />
      <Collapse in={open} data-testid="istio-cluster-details">
        <FieldList
          columnWidth={260}
          fields={detailFields(t, mesh, props.summary, props.clustersError)}
        />
      </Collapse>
    </InfoCard>
  );
}
