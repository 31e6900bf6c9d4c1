import type {
  IstioControlPlane,
  IstioSidecarMemoryResponse,
  IstioSourceError,
} from '@istio-backstage/plugin-istio-common';
import type { IstioTranslation } from '../translation';
import { formatDay, localizeDates } from './measuredSaving';

/** `Timeout: the cluster did not answer` — a sanitized source error in one phrase. */
export function describeSourceError(error: IstioSourceError): string {
  return `${error.errorType}: ${error.message}`;
}

/** Where the entity's mesh state could not be read, and why. */
export interface UnknownMeshStatus {
  cluster: string;
  /** Absent when the whole cluster failed. */
  namespace?: string;
  reason: string;
}

/** How many of an entity's pods are in the mesh, by data-plane mode. */
export interface MeshStatusSummary {
  pods: number;
  /** Pods with an Envoy: sidecars (classic or native), gateways; plus ambient pods. */
  inMesh: number;
  sidecar: number;
  ambient: number;
  gateway: number;
  none: number;
  /** Clusters where pods were found, sorted. */
  clusters: string[];
  /** Clusters or namespaces whose pods could not be read. */
  unknown: UnknownMeshStatus[];
}

/**
 * Counts an entity's pods by data-plane mode. A cluster that failed, or a namespace whose
 * pods could not be listed, counts as unknown with its reason, never as "not in mesh".
 */
export function summarizeMeshStatus(
  memory: IstioSidecarMemoryResponse,
): MeshStatusSummary {
  const summary: MeshStatusSummary = {
    pods: 0,
    inMesh: 0,
    sidecar: 0,
    ambient: 0,
    gateway: 0,
    none: 0,
    clusters: [],
    unknown: memory.errors.map(e => ({
      cluster: e.cluster,
      reason: describeSourceError(e),
    })),
  };
  const clusters = new Set<string>();
  for (const item of memory.items) {
    if (item.proxies.length === 0 && item.errors.length > 0) {
      summary.unknown.push({
        cluster: item.cluster,
        namespace: item.namespace,
        reason: item.errors.map(describeSourceError).join('; '),
      });
      continue;
    }
    if (item.proxies.length > 0) clusters.add(item.cluster);
    for (const proxy of item.proxies) {
      summary.pods++;
      if (proxy.proxyKind === 'sidecar' || proxy.proxyKind === 'native-sidecar')
        summary.sidecar++;
      else summary[proxy.proxyKind]++;
      if (proxy.proxyKind !== 'none') summary.inMesh++;
    }
  }
  summary.clusters = [...clusters].sort();
  return summary;
}

const MODES = ['sidecar', 'ambient', 'gateway', 'none'] as const;

/** `3 of 4 pods in the mesh: 2 sidecar, 1 ambient, 1 not in mesh`. */
export function describeMeshStatus(
  t: IstioTranslation,
  summary: MeshStatusSummary,
): string {
  const modes = MODES.filter(mode => summary[mode] > 0).map(mode =>
    t(`meshStatus.mode.${mode}`, { pods: String(summary[mode]) }),
  );
  return t('meshStatus.podsInMesh', {
    count: summary.pods,
    inMesh: String(summary.inMesh),
    modes: modes.join(', '),
  });
}

/** `unknown in eu (Timeout: …)`, `unknown in demo/shop (kubernetes:pods …)`. */
export function describeUnknown(
  t: IstioTranslation,
  unknown: UnknownMeshStatus,
): string {
  const where = unknown.namespace
    ? `${unknown.cluster}/${unknown.namespace}`
    : unknown.cluster;
  return t('meshStatus.unknownIn', { where, reason: unknown.reason });
}

/** A control plane's support verdict as a status level and a sentence. */
export interface SupportDescription {
  level: 'ok' | 'warning' | 'error';
  text: string;
}

/**
 * The verdict and its reasons, after `Istio … on Kubernetes …: `. The backend's reasons
 * and the end-of-life date are shown with their dates in the user's locale.
 */
function describeVerdict(
  t: IstioTranslation,
  support: IstioControlPlane['support'],
): string {
  const reasons = localizeDates(support.reasons.join('; '));
  const estimate = support.endOfLife
    ? t('meshStatus.endOfLifeEstimate', { date: formatDay(support.endOfLife) })
    : '';
  switch (support.verdict) {
    case 'supported':
      return support.endOfLifeExpected && estimate
        ? t('meshStatus.verdict.supportedEstimate', { estimate })
        : t('meshStatus.verdict.supported');
    case 'check': {
      const detail = reasons || estimate;
      return detail
        ? t('meshStatus.verdict.checkDetail', { detail })
        : t('meshStatus.verdict.check');
    }
    case 'unsupported':
      return reasons
        ? t('meshStatus.verdict.unsupportedReasons', { reasons })
        : t('meshStatus.verdict.unsupported');
    default:
      return reasons
        ? t('meshStatus.verdict.unknownReasons', { reasons })
        : t('meshStatus.verdict.unknown');
  }
}

const LEVELS: Record<
  IstioControlPlane['support']['verdict'],
  SupportDescription['level']
> = {
  supported: 'ok',
  check: 'warning',
  unsupported: 'error',
  unknown: 'warning',
};

/**
 * `Istio 1.28.1 on Kubernetes v1.33.2: unsupported — <reasons>`; `check` reads "likely
 * end of life — check" with the estimated date, and a supported release whose end of
 * life is only estimated says so. The date of the support matrix follows when the
 * backend sent it. Versions that were not read are shown as unknown; dates are in the
 * user's locale.
 */
export function describeSupport(
  t: IstioTranslation,
  plane: IstioControlPlane,
  kubernetesVersion: string | undefined,
): SupportDescription {
  const subject = t('meshStatus.subject', {
    istio: plane.version ?? t('values.unknown'),
    kubernetes: kubernetesVersion ?? t('values.unknown'),
  });
  const { support } = plane;
  const verdict = describeVerdict(t, support);
  return {
    level: LEVELS[support.verdict] ?? 'warning',
    text: support.matrixAsOf
      ? t('meshStatus.supportAsOf', {
          subject,
          verdict,
          date: formatDay(support.matrixAsOf),
        })
      : t('meshStatus.support', { subject, verdict }),
  };
}
