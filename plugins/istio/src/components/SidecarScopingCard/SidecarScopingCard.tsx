import {
  CodeSnippet,
  InfoCard,
  Table,
  type TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import type {
  IstioProxyMemory,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { formatBytes } from '../../lib/format';
import {
  formatDateTime,
  measuredSavingBytes,
  whyNoSaving,
} from '../../lib/measuredSaving';
import { ApplySidecarButton } from '../ApplySidecarButton';
import { MemoryBars } from './MemoryBars';
import { measuredChart, podMemoryChart } from './memoryChart';

type Item = IstioSidecarMemoryResponse['items'][number];

const proxyColumns: TableColumn<IstioProxyMemory>[] = [
  { title: 'Pod', field: 'pod' },
  { title: 'Proxy', field: 'proxyKind' },
  { title: 'Memory now', render: p => formatBytes(p.memoryNowBytes) },
  { title: 'Peak (window)', render: p => formatBytes(p.memoryPeakBytes) },
  { title: 'Envoy allocated', render: p => formatBytes(p.envoyAllocatedBytes) },
  { title: 'Envoy clusters', render: p => p.envoyActiveClusters ?? 'unknown' },
];

/** istio-proxy memory per pod now, against the recommended Sidecar's estimate when there is one. */
function PodMemory({ item }: { item: Item }) {
  if (!item.proxies.some(p => p.memoryNowBytes !== undefined)) {
    return (
      <Typography variant="body2">
        Current memory is unknown (metrics.k8s.io could not be read).
      </Typography>
    );
  }
  const perPod = item.recommendation ? item.estimate?.perPodBytes : undefined;
  return (
    <MemoryBars
      model={podMemoryChart(item.proxies, perPod)}
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
  const { estimate } = item;
  return (
    <Box mt={2}>
      <Typography variant="h6">
        Recommended Sidecar ({scopeLabel(recommendation)})
      </Typography>
      <Typography variant="body2">
        Services visible to each proxy:{' '}
        {recommendation.servicesVisibleBefore ?? 'unknown'} now →{' '}
        {recommendation.servicesVisibleAfter ?? 'unknown'} after (Envoy clusters{' '}
        {recommendation.clustersBefore ?? '?'} →{' '}
        {recommendation.clustersAfter ?? '?'}).
      </Typography>
      {estimate && (
        <Typography variant="body2">
          Estimated saving: {formatBytes(estimate.perPodBytes)} per pod,{' '}
          {formatBytes(estimate.totalBytes)} in total ({estimate.method},
          confidence {estimate.confidence}). {estimate.explanation}
        </Typography>
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
        Download YAML
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
  const saved = measuredSavingBytes(measured);
  const applied = `Applied by ${measured.appliedBy} on ${formatDateTime(
    measured.appliedAt,
  )}: ${formatBytes(measured.beforeBytes)} per pod before`;
  const chart = measuredChart(measured);
  if (saved === undefined || measured.afterBytes === undefined) {
    const why = whyNoSaving(measured).replace(/\.+$/, '');
    const lead =
      measured.outcome === 'settling'
        ? 'after not measured yet'
        : 'no saving is claimed';
    return (
      <Box mt={2} data-testid="istio-measured-saving">
        <Typography variant="body2">
          {applied}; {lead}: {why}.
        </Typography>
      </Box>
    );
  }
  const when = measured.measuredAt
    ? ` (measured ${formatDateTime(measured.measuredAt)})`
    : '';
  return (
    <Box mt={2} data-testid="istio-measured-saving">
      <Typography variant="body2">
        {applied}, {formatBytes(measured.afterBytes)} measured after, a measured
        saving of {formatBytes(saved)} per pod{when}.
      </Typography>
      {chart && (
        <MemoryBars model={chart} data-testid="istio-memory-before-after" />
      )}
    </Box>
  );
}

/** What the recommended Sidecars select: the namespace, the entity's pods, or each workload. */
function scopeLabel(recommendation: { scope: string; objects: unknown[] }) {
  if (recommendation.scope === 'namespace') return 'whole namespace';
  return recommendation.objects.length === 1
    ? "this entity's pods"
    : 'per workload';
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
  return (
    <InfoCard title={`Sidecar scoping — ${item.cluster}/${item.namespace}`}>
      <PodMemory item={item} />
      <Table<IstioProxyMemory>
        title="istio-proxy memory per pod"
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={proxyColumns}
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
          No Sidecar is recommended here (see the warnings above).
        </Typography>
      )}
      {measured && <MeasuredSaving measured={measured} />}
    </InfoCard>
  );
}
