import {
  InfoCard,
  Link,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type {
  IstioDiagnostic,
  IstioDiagnosticTopic,
  IstioMeshConfig,
} from '@istio-backstage/plugin-istio-common';
import Typography from '@material-ui/core/Typography';
import { jaegerSearchUrl } from '../../lib/format';
import { istioTranslationRef, type IstioTranslation } from '../../translation';
import Box from '@material-ui/core/Box';
import { DiagnosticGroups } from '../DiagnosticGroups';

// Gateways too: one injected without the gateway template sends no traces.
const TRACING_TOPICS: ReadonlySet<IstioDiagnosticTopic> = new Set([
  'tracing',
  'gateways',
]);

type Collector = NonNullable<IstioMeshConfig['tracing']['collector']>;

/** `jaeger-collector.observability:9411 (service and port exist)`, or `none`. */
function describeCollector(t: IstioTranslation, collector?: Collector) {
  if (!collector) return t('values.none');
  return t('tracingCard.collector', {
    host: collector.host,
    port: String(collector.port),
    exists:
      collector.exists === 'yes'
        ? t('tracingCard.collectorExists')
        : collector.exists,
  });
}

/** How the entity is traced: sampling, provider, collector, and a link to its traces. */
export function TracingCard(props: {
  mesh?: IstioMeshConfig;
  jaegerUrl?: string;
  /** Jaeger service name, `<app>.<namespace>` by Istio's convention. */
  service: string;
  diagnostics: IstioDiagnostic[];
}) {
  const { mesh, jaegerUrl, service, diagnostics } = props;
  const { t } = useTranslationRef(istioTranslationRef);
  const tracing = mesh?.tracing;
  const metadata: Record<string, React.ReactNode> = {
    [t('tracingCard.fields.enabled')]: tracing
      ? t(`values.${tracing.enabled}`)
      : t('values.unknown'),
    [t('tracingCard.fields.sampling')]:
      tracing?.samplingPercent === undefined
        ? t('values.unknown')
        : t('tracingCard.sampling', {
            percent: String(tracing.samplingPercent),
          }),
    [t('tracingCard.fields.configuredIn')]:
      tracing?.configuredIn ?? t('values.unknown'),
    [t('tracingCard.fields.provider')]: tracing?.provider ?? t('values.none'),
    [t('tracingCard.fields.collector')]: describeCollector(
      t,
      tracing?.collector,
    ),
    [t('tracingCard.fields.jaegerService')]: service,
  };
  const related = diagnostics.filter(d => TRACING_TOPICS.has(d.topic));
  return (
    <InfoCard
      title={t('tracingCard.title')}
      deepLink={
        jaegerUrl
          ? {
              title: t('tracingCard.openTraces'),
              link: jaegerSearchUrl(jaegerUrl, service),
            }
          : undefined
      }
    >
      <StructuredMetadataTable metadata={metadata} />
      {!jaegerUrl && (
        <Typography variant="body2" color="textSecondary">
          {t('tracingCard.noJaegerUrl')}
        </Typography>
      )}
      {/* Grouped and collapsed like every diagnostic: a title per problem, details on demand. */}
      {related.length > 0 && (
        <Box mt={2}>
          <DiagnosticGroups diagnostics={related} emptyText="" />
        </Box>
      )}
      {jaegerUrl && (
        <Link to={jaegerSearchUrl(jaegerUrl, service)}>
          {t('tracingCard.tracesOf', { service })}
        </Link>
      )}
    </InfoCard>
  );
}
