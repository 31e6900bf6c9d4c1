import {
  CodeSnippet,
  InfoCard,
  Table,
  type TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type {
  IstioProxyMemory,
  IstioSavingEstimate,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import { formatBytes } from '../../lib/format';
import {
  formatDateTime,
  measuredSavingBytes,
  whyNoSaving,
} from '../../lib/measuredSaving';
import { istioTranslationRef, type IstioTranslation } from '../../translation';
import { ApplySidecarButton } from '../ApplySidecarButton';
import { MemoryBars } from './MemoryBars';
import { measuredChart, podMemoryChart } from './memoryChart';

type Item = IstioSidecarMemoryResponse['items'][number];

/** A memory figure, or `unknown` when it was not read. */
function bytesOrUnknown(t: IstioTranslation, value?: number): string {
  return value === undefined ? t('values.unknown') : formatBytes(value);
}

/** The table's columns; a figure that was not read says so. */
function proxyColumns(t: IstioTranslation): TableColumn<IstioProxyMemory>[] {
  const bytes = (value?: number) => bytesOrUnknown(t, value);
  return [
    { title: t('sidecarScopingCard.columns.pod'), field: 'pod' },
    { title: t('sidecarScopingCard.columns.proxy'), field: 'proxyKind' },
    {
      title: t('sidecarScopingCard.columns.memoryNow'),
      render: p => bytes(p.memoryNowBytes),
    },
    {
      title: t('sidecarScopingCard.columns.peak'),
      render: p => bytes(p.memoryPeakBytes),
    },
    {
      title: t('sidecarScopingCard.columns.envoyAllocated'),
      render: p => bytes(p.envoyAllocatedBytes),
    },
    {
      title: t('sidecarScopingCard.columns.envoyClusters'),
      render: p => p.envoyActiveClusters ?? t('values.unknown'),
    },
  ];
}

const METHOD_KEYS = {
  fitted: 'sidecarScopingCard.method.fitted',
  'default-per-cluster': 'sidecarScopingCard.method.defaultPerCluster',
  unknown: 'sidecarScopingCard.method.unknown',
} as const;

/** `Estimated saving: 38.5 MiB per pod, 231 MiB in total (fitted, confidence high). …` */
function describeEstimate(t: IstioTranslation, estimate: IstioSavingEstimate) {
  return t('sidecarScopingCard.estimatedSaving', {
    perPod: bytesOrUnknown(t, estimate.perPodBytes),
    total: bytesOrUnknown(t, estimate.totalBytes),
    method: METHOD_KEYS[estimate.method]
      ? t(METHOD_KEYS[estimate.method])
      : estimate.method,
    confidence: t(`sidecarScopingCard.confidence.${estimate.confidence}`),
    explanation: estimate.explanation ?? '',
  });
}

/** istio-proxy memory per pod now, against the recommended Sidecar's estimate when there is one. */
function PodMemory({ item }: { item: Item }) {
  const { t } = useTranslationRef(istioTranslationRef);
  if (!item.proxies.some(p => p.memoryNowBytes !== undefined)) {
    return (
      <Typography variant="body2">
        {t('sidecarScopingCard.memoryUnknown')}
      </Typography>
    );
  }
  const perPod = item.recommendation ? item.estimate?.perPodBytes : undefined;
  return (
    <MemoryBars
      model={podMemoryChart(t, item.proxies, perPod)}
      data-testid="istio-memory-per-pod"
    />
  );
}

/** The recommended Sidecar: what it changes, why each host stays, its YAML and Apply. */
function RecommendedSidecar(props: {
  item: Item;
  recommendation: NonNullable<Item['recommendation']>;
  entityRef: string;
  onApplied?: () => void;
}) {
  const { item, recommendation, entityRef, onApplied } = props;
  const { t } = useTranslationRef(istioTranslationRef);
  const { estimate } = item;
  const count = (n?: number) =>
    n === undefined ? t('sidecarScopingCard.countUnknown') : String(n);
  const services = (n?: number) =>
    n === undefined ? t('values.unknown') : String(n);
  return (
    <Box mt={2}>
      <Typography variant="h6">
        {t('sidecarScopingCard.recommendedTitle', {
          scope: scopeLabel(t, recommendation),
        })}
      </Typography>
      <Typography variant="body2">
        {t('sidecarScopingCard.servicesVisible', {
          before: services(recommendation.servicesVisibleBefore),
          after: services(recommendation.servicesVisibleAfter),
          clustersBefore: count(recommendation.clustersBefore),
          clustersAfter: count(recommendation.clustersAfter),
        })}
      </Typography>
      {estimate && (
        <Typography variant="body2">{describeEstimate(t, estimate)}</Typography>
      )}
      <ul>
        {recommendation.egress.map(h => (
          <li key={h.host}>
            <code>{h.host}</code> — {h.reasons.map(r => r.detail).join('; ')}
          </li>
        ))}
      </ul>
      <CodeSnippet
        text={recommendation.yaml}
        language="yaml"
        showCopyCodeButton
      />
      <a
        href={`data:application/yaml;charset=utf-8,${encodeURIComponent(
          recommendation.yaml,
        )}`}
        download={`sidecar-${item.namespace}.yaml`}
      >
        {t('sidecarScopingCard.downloadYaml')}
      </a>
      <Box mt={2}>
        <ApplySidecarButton
          target={{
            entityRef,
            cluster: item.cluster,
            namespace: item.namespace,
          }}
          onApplied={onApplied}
        />
      </Box>
    </Box>
  );
}

/**
 * What an applied Sidecar saved, measured before and after once proxies settle. A saving
 * is stated only when the backend says the two readings may be compared; otherwise the
 * card says why none is claimed, so it never shows a negative or unfounded saving.
 */
function MeasuredSaving({
  measured,
}: {
  measured: NonNullable<Item['measured']>;
}) {
  const { t } = useTranslationRef(istioTranslationRef);
  const saved = measuredSavingBytes(measured);
  const applied = t('sidecarScopingCard.applied', {
    user: measured.appliedBy,
    date: formatDateTime(measured.appliedAt),
    before: formatBytes(measured.beforeBytes),
  });
  const chart = measuredChart(t, measured);
  if (saved === undefined || measured.afterBytes === undefined) {
    const reason = whyNoSaving(measured).replace(/\.+$/, '');
    return (
      <Box mt={2} data-testid="istio-measured-saving">
        <Typography variant="body2">
          {measured.outcome === 'settling'
            ? t('sidecarScopingCard.afterNotMeasured', { applied, reason })
            : t('sidecarScopingCard.noSavingClaimed', { applied, reason })}
        </Typography>
      </Box>
    );
  }
  const figures = {
    applied,
    after: formatBytes(measured.afterBytes),
    saving: formatBytes(saved),
  };
  return (
    <Box mt={2} data-testid="istio-measured-saving">
      <Typography variant="body2">
        {measured.measuredAt
          ? t('sidecarScopingCard.measuredSavingAt', {
              ...figures,
              date: formatDateTime(measured.measuredAt),
            })
          : t('sidecarScopingCard.measuredSaving', figures)}
      </Typography>
      {chart && (
        <MemoryBars model={chart} data-testid="istio-memory-before-after" />
      )}
    </Box>
  );
}

/** What the recommended Sidecars select: the namespace, the entity's pods, or each workload. */
function scopeLabel(
  t: IstioTranslation,
  recommendation: { scope: string; objects: unknown[] },
) {
  if (recommendation.scope === 'namespace')
    return t('sidecarScopingCard.scope.namespace');
  return recommendation.objects.length === 1
    ? t('sidecarScopingCard.scope.entity')
    : t('sidecarScopingCard.scope.workload');
}

/** What the entity's sidecars cost, and the Sidecar that would cut it, with every host's reasons. */
export function SidecarScopingCard({
  item,
  entityRef,
  onApplied,
}: {
  item: Item;
  entityRef: string;
  /** Reloads the figures after a real apply. */
  onApplied?: () => void;
}) {
  const { recommendation, measured } = item;
  const { t } = useTranslationRef(istioTranslationRef);
  const columns = useMemo(() => proxyColumns(t), [t]);
  return (
    <InfoCard
      title={t('sidecarScopingCard.title', {
        cluster: item.cluster,
        namespace: item.namespace,
      })}
    >
      <PodMemory item={item} />
      <Table<IstioProxyMemory>
        title={t('sidecarScopingCard.tableTitle')}
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={item.proxies}
      />
      {item.warnings.map(w => (
        <WarningPanel
          key={`${w.code}-${w.workload ?? ''}`}
          severity="warning"
          title={w.code}
          message={w.message}
        />
      ))}
      {recommendation ? (
        <RecommendedSidecar
          item={item}
          recommendation={recommendation}
          entityRef={entityRef}
          onApplied={onApplied}
        />
      ) : (
        <Typography variant="body2">
          {t('sidecarScopingCard.noRecommendation')}
        </Typography>
      )}
      {measured && <MeasuredSaving measured={measured} />}
    </InfoCard>
  );
}
