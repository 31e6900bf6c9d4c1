import type { RootConfigService } from '@backstage/backend-plugin-api';
import {
  ISTIO_SUPPORT_MATRIX,
  mergeSupportMatrix,
  type IstioSupportMatrix,
} from '@istio-backstage/plugin-istio-common';

/** The Istio backend's own settings (`istio.*` except clusters), read once with defaults. */
export interface IstioBackendSettings {
  /** Per-request timeout to API servers and Prometheus; the client's default when undefined. */
  requestTimeoutMs?: number;
  fanOutDeadlineMs?: number;
  /** How long sidecar-memory answers and the reads behind them are reused; 0 disables. */
  reuseMs: number;
  /** Keep the mesh-wide lists live by watches in each replica. */
  watchMeshLists: boolean;
  /** Background refresh periods, undefined when switched off. */
  meshEssentialsRefreshMs?: number;
  memoryFitRefreshMs?: number;
  /** Whether `backend.cache.store` is shared between replicas (not the memory store). */
  sharedCacheStore: boolean;
  admission: { maxConcurrent: number; maxQueued: number };
  apply: { impersonateUser: boolean; settleSeconds?: number };
  /** The built-in support matrix with the rows of `istio.supportMatrix` merged in. */
  supportMatrix: IstioSupportMatrix;
}

/**
 * Reads {@link IstioBackendSettings}; `Config` getters name the bad path on a wrong type,
 * and `istio.supportMatrix` rows are validated, each problem naming its path.
 */
export function readIstioBackendSettings(
  config: RootConfigService,
): IstioBackendSettings {
  const seconds = (key: string) => {
    const value = config.getOptionalNumber(key);
    return value === undefined ? undefined : value * 1000;
  };
  const periodic = (enabledKey: string, periodKey: string, defaultMs: number) =>
    config.getOptionalBoolean(enabledKey) ?? true
      ? seconds(periodKey) ?? defaultMs
      : undefined;
  return {
    requestTimeoutMs: config.getOptionalNumber('istio.requestTimeoutMs'),
    fanOutDeadlineMs: config.getOptionalNumber('istio.fanOutDeadlineMs'),
    reuseMs: seconds('istio.sidecarMemory.cacheSeconds') ?? 15_000,
    watchMeshLists: config.getOptionalBoolean('istio.watchMeshLists') ?? true,
    meshEssentialsRefreshMs: periodic(
      'istio.keepMeshEssentials',
      'istio.meshEssentialsRefreshSeconds',
      30_000,
    ),
    memoryFitRefreshMs: periodic(
      'istio.keepMemoryFit',
      'istio.memoryFitRefreshSeconds',
      5 * 60_000,
    ),
    sharedCacheStore:
      (config.getOptionalString('backend.cache.store') ?? 'memory') !==
      'memory',
    admission: {
      maxConcurrent:
        config.getOptionalNumber('istio.admission.maxConcurrent') ?? 16,
      maxQueued: config.getOptionalNumber('istio.admission.maxQueued') ?? 128,
    },
    apply: {
      impersonateUser:
        config.getOptionalBoolean('istio.apply.impersonateUser') ?? false,
      settleSeconds: config.getOptionalNumber('istio.apply.settleSeconds'),
    },
    supportMatrix: mergeSupportMatrix(
      ISTIO_SUPPORT_MATRIX,
      config.getOptional('istio.supportMatrix'),
    ),
  };
}
