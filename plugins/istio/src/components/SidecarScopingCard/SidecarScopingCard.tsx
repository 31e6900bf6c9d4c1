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
import { ApplySidecarButton } from '../ApplySidecarButton';

type Item = IstioSidecarMemoryResponse['items'][number];

const proxyColumns: TableColumn<IstioProxyMemory>[] = [
  { title: 'Pod', field: 'pod' },
  { title: 'Proxy', field: 'proxyKind' },
  { title: 'Memory now', render: p => formatBytes(p.memoryNowBytes) },
  { title: 'Peak (window)', render: p => formatBytes(p.memoryPeakBytes) },
  { title: 'Envoy allocated', render: p => formatBytes(p.envoyAllocatedBytes) },
  { title: 'Envoy clusters', render: p => p.envoyActiveClusters ?? 'unknown' },
];

/** A horizontal bar per pod: istio-proxy memory now against the largest in the list. */
function MemoryBars({ proxies }: { proxies: IstioProxyMemory[] }) {
  const known = proxies.filter(p => p.memoryNowBytes !== undefined);
  const max = Math.max(
    1,
    ...known.map(p => p.memoryPeakBytes ?? p.memoryNowBytes!),
  );
  if (known.length === 0) {
    return (
      <Typography variant="body2">
        Current memory is unknown (metrics.k8s.io could not be read).
      </Typography>
    );
  }
  return (
    <svg
      role="img"
      aria-label="istio-proxy memory per pod"
      width="100%"
      height={known.length * 22}
      viewBox={`0 0 400 ${known.length * 22}`}
    >
      {known.map((p, i) => (
        <g key={p.pod} transform={`translate(0, ${i * 22})`}>
          <rect
            x={160}
            y={3}
            height={14}
            width={(230 * p.memoryNowBytes!) / max}
            fill="#1f77b4"
          />
          <text x={0} y={14} fontSize={11}>
            {p.pod.slice(0, 26)}
          </text>
          <text x={164} y={14} fontSize={10} fill="#fff">
            {formatBytes(p.memoryNowBytes)}
          </text>
        </g>
      ))}
    </svg>
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

/** What an applied Sidecar saved, measured before and after (once proxies settle). */
function MeasuredSaving({
  measured,
}: {
  measured: NonNullable<Item['measured']>;
}) {
  return (
    <Typography variant="body2">
      Applied by {measured.appliedBy} at {measured.appliedAt}:{' '}
      {formatBytes(measured.beforeBytes)} per pod before,{' '}
      {measured.afterBytes === undefined
        ? 'after not measured yet (proxies are settling)'
        : `${formatBytes(
            measured.afterBytes,
          )} measured after, a measured saving of ${formatBytes(
            measured.beforeBytes - measured.afterBytes,
          )} per pod`}
      .
    </Typography>
  );
}

/** What the entity's sidecars cost, and the Sidecar that would cut it, with every host's reasons. */
/** What the recommended Sidecars select: the namespace, the entity's pods, or each workload. */
function scopeLabel(recommendation: { scope: string; objects: unknown[] }) {
  if (recommendation.scope === 'namespace') return 'whole namespace';
  return recommendation.objects.length === 1
    ? "this entity's pods"
    : 'per workload';
}

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
      <MemoryBars proxies={item.proxies} />
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
