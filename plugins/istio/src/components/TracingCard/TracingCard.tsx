import {
  InfoCard,
  Link,
  StructuredMetadataTable,
} from '@backstage/core-components';
import type {
  IstioDiagnostic,
  IstioDiagnosticTopic,
  IstioMeshConfig,
} from '@istio-backstage/plugin-istio-common';
import Typography from '@material-ui/core/Typography';
import { jaegerSearchUrl } from '../../lib/format';

// Gateways too: one injected without the gateway template sends no traces.
const TRACING_TOPICS: ReadonlySet<IstioDiagnosticTopic> = new Set([
  'tracing',
  'gateways',
]);

/** How the entity is traced: sampling, provider, collector, and a link to its traces. */
export function TracingCard(props: {
  mesh?: IstioMeshConfig;
  jaegerUrl?: string;
  /** Jaeger service name, `<app>.<namespace>` by Istio's convention. */
  service: string;
  diagnostics: IstioDiagnostic[];
}) {
  const { mesh, jaegerUrl, service, diagnostics } = props;
  const tracing = mesh?.tracing;
  const collector = tracing?.collector;
  const metadata: Record<string, React.ReactNode> = {
    Enabled: tracing?.enabled ?? 'unknown',
    Sampling:
      tracing?.samplingPercent === undefined
        ? 'unknown'
        : `${tracing.samplingPercent} % of requests`,
    'Configured in': tracing?.configuredIn ?? 'unknown',
    Provider: tracing?.provider ?? 'none',
    Collector: collector
      ? `${collector.host}:${collector.port} (${
          collector.exists === 'yes'
            ? 'service and port exist'
            : collector.exists
        })`
      : 'none',
    'Jaeger service': service,
  };
  const related = diagnostics.filter(d => TRACING_TOPICS.has(d.topic));
  return (
    <InfoCard
      title="Tracing"
      deepLink={
        jaegerUrl
          ? { title: 'Open traces', link: jaegerSearchUrl(jaegerUrl, service) }
          : undefined
      }
    >
      <StructuredMetadataTable metadata={metadata} />
      {!jaegerUrl && (
        <Typography variant="body2" color="textSecondary">
          No Jaeger URL is configured for this cluster
          (istio.clusters[].jaeger.url), so there is no link to the traces.
        </Typography>
      )}
      {related.map(d => (
        <Typography key={`${d.code}-${d.object?.name}`} variant="body2">
          {d.severity}: {d.title} — {d.message}
        </Typography>
      ))}
      {jaegerUrl && (
        <Link to={jaegerSearchUrl(jaegerUrl, service)}>
          Traces of {service}
        </Link>
      )}
    </InfoCard>
  );
}
