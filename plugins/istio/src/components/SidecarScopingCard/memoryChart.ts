import type {
  IstioMeasuredSaving,
  IstioProxyMemory,
} from '@istio-backstage/plugin-istio-common';
import { formatBytes } from '../../lib/format';
import { measuredSavingBytes } from '../../lib/measuredSaving';
import type { IstioTranslation } from '../../translation';

/** Which theme colour a bar takes: `primary` for today's or "before", `secondary` for the other. */
export type BarSeries = 'primary' | 'secondary';

/** One bar: a memory figure and the words that say what it is. */
export interface MemoryBar {
  series: BarSeries;
  bytes: number;
  /** e.g. `now`, `with Sidecar (estimate)`; shown after the value. */
  label: string;
}

/** One row of the chart: a pod (or an average) and its bars. */
export interface MemoryRow {
  name: string;
  bars: MemoryBar[];
}

/** A whole chart: rows, what each colour means, and a sentence for screen readers. */
export interface MemoryChartModel {
  rows: MemoryRow[];
  legend: Array<{ series: BarSeries; label: string }>;
  summary: string;
}

/** `pod-a: 120 MiB now, 80.0 MiB with Sidecar (estimate)`. */
const describeRow = (row: MemoryRow) =>
  `${row.name}: ${row.bars
    .map(b => `${formatBytes(b.bytes)} ${b.label}`)
    .join(', ')}`;

/**
 * istio-proxy memory per pod now, and — when a Sidecar is recommended with an estimate —
 * what each pod would use with it (its memory now less the estimated per-pod saving,
 * never below zero). Pods without a reading have no row; the summary counts them.
 */
export function podMemoryChart(
  t: IstioTranslation,
  proxies: IstioProxyMemory[],
  perPodSavingBytes?: number,
): MemoryChartModel {
  const rows = proxies.flatMap(p => {
    if (p.memoryNowBytes === undefined) return [];
    const bars: MemoryBar[] = [
      {
        series: 'primary',
        bytes: p.memoryNowBytes,
        label: t('memoryChart.now'),
      },
    ];
    if (perPodSavingBytes !== undefined)
      bars.push({
        series: 'secondary',
        bytes: Math.max(0, p.memoryNowBytes - perPodSavingBytes),
        label: t('memoryChart.withSidecarEstimate'),
      });
    return [{ name: p.pod, bars }];
  });
  const unread = proxies.length - rows.length;
  const described = rows.map(describeRow).join('; ');
  return {
    rows,
    legend: [
      { series: 'primary', label: t('memoryChart.legendNow') },
      ...(perPodSavingBytes === undefined
        ? []
        : [
            {
              series: 'secondary' as const,
              label: t('memoryChart.legendWithSidecar'),
            },
          ]),
    ],
    summary:
      unread > 0
        ? t('memoryChart.podSummaryUnread', {
            rows: described,
            unread: String(unread),
            total: String(proxies.length),
          })
        : t('memoryChart.podSummary', { rows: described }),
  };
}

/**
 * Memory per pod before and after an applied Sidecar — only when the backend says the
 * two may be compared and memory went down; otherwise undefined (the card explains why
 * in words instead of drawing a comparison that is not one).
 */
export function measuredChart(
  t: IstioTranslation,
  measured: IstioMeasuredSaving,
): MemoryChartModel | undefined {
  const saved = measuredSavingBytes(measured);
  if (saved === undefined || measured.afterBytes === undefined)
    return undefined;
  const row: MemoryRow = {
    name: t('memoryChart.averageRow'),
    bars: [
      {
        series: 'primary',
        bytes: measured.beforeBytes,
        label: t('memoryChart.before'),
      },
      {
        series: 'secondary',
        bytes: measured.afterBytes,
        label: t('memoryChart.after'),
      },
    ],
  };
  return {
    rows: [row],
    legend: [
      { series: 'primary', label: t('memoryChart.legendBefore') },
      { series: 'secondary', label: t('memoryChart.legendAfter') },
    ],
    summary: t('memoryChart.measuredSummary', {
      row: describeRow(row),
      saving: formatBytes(saved),
    }),
  };
}

/** The largest figure in a chart, which the longest bar stands for (at least 1 byte). */
export function chartMaxBytes(rows: MemoryRow[]): number {
  return Math.max(1, ...rows.flatMap(r => r.bars.map(b => b.bytes)));
}
