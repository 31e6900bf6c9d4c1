import type { RootConfigService } from '@backstage/backend-plugin-api';
import {
  ISTIO_SUPPORT_MATRIX,
  mergeSupportMatrix,
  type IstioSupportMatrix,
} from '@istio-backstage/plugin-istio-common';
import { APPLIED_RETENTION_DAYS } from './services/AppliedSidecarStore';

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
  apply: {
    impersonateUser: boolean;
    settleSeconds?: number;
    /** Days an applied Sidecar's record is kept; older ones are deleted. */
    retentionDays: number;
  };
  /** The built-in support matrix with the rows of `istio.supportMatrix` merged in. */
  supportMatrix: IstioSupportMatrix;
}

/** What a numeric setting may be: how the error states it, and the check. */
const RULES = {
  'integer >= 1': {
    allowed: 'a whole number, 1 or more',
    test: (n: number) => Number.isInteger(n) && n >= 1,
  },
  'integer >= 0': {
    allowed: 'a whole number, 0 or more',
    test: (n: number) => Number.isInteger(n) && n >= 0,
  },
  'number > 0': {
    allowed: 'a number above 0',
    test: (n: number) => Number.isFinite(n) && n > 0,
  },
  'number >= 0': {
    allowed: 'a number, 0 or more',
    test: (n: number) => Number.isFinite(n) && n >= 0,
  },
};

type NumberRule = keyof typeof RULES;

/**
 * A numeric setting, checked at start: a value out of range stops the backend with an
 * error naming the key and what it may be, rather than meaning something else at run
 * time (a limit of 0 that admits nothing, a fraction an LRU refuses on first use).
 */
function readNumber(
  config: RootConfigService,
  key: string,
  rule: NumberRule,
): number | undefined {
  const value = config.getOptionalNumber(key);
  if (value === undefined || RULES[rule].test(value)) return value;
  throw new Error(
    `Invalid config: ${key} is ${value}; it must be ${RULES[rule].allowed}`,
  );
}

/**
 * Reads {@link IstioBackendSettings}; `Config` getters name the bad path on a wrong type,
 * numbers out of range are refused naming the key and what is allowed, and
 * `istio.supportMatrix` rows are validated, each problem naming its path.
 */
export function readIstioBackendSettings(
  config: RootConfigService,
): IstioBackendSettings {
  // Whole seconds: the periods become LRU lifetimes, which must be whole milliseconds.
  const seconds = (key: string, rule: NumberRule) => {
    const value = readNumber(config, key, rule);
    return value === undefined ? undefined : value * 1000;
  };
  const periodic = (enabledKey: string, periodKey: string, defaultMs: number) =>
    config.getOptionalBoolean(enabledKey) ?? true
      ? seconds(periodKey, 'integer >= 1') ?? defaultMs
      : undefined;
  return {
    requestTimeoutMs: readNumber(
      config,
      'istio.requestTimeoutMs',
      'integer >= 1',
    ),
    fanOutDeadlineMs: readNumber(
      config,
      'istio.fanOutDeadlineMs',
      'integer >= 1',
    ),
    // 0 is documented: no reuse.
    reuseMs:
      seconds('istio.sidecarMemory.cacheSeconds', 'integer >= 0') ?? 15_000,
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
      // 0 would admit nothing: every request would wait in the queue for good.
      maxConcurrent:
        readNumber(config, 'istio.admission.maxConcurrent', 'integer >= 1') ??
        16,
      // 0 is a real choice: no waiting, a request beyond maxConcurrent is refused.
      maxQueued:
        readNumber(config, 'istio.admission.maxQueued', 'integer >= 0') ?? 128,
    },
    apply: {
      impersonateUser:
        config.getOptionalBoolean('istio.apply.impersonateUser') ?? false,
      settleSeconds: readNumber(
        config,
        'istio.apply.settleSeconds',
        'number >= 0',
      ),
      retentionDays:
        readNumber(config, 'istio.apply.retentionDays', 'number > 0') ??
        APPLIED_RETENTION_DAYS,
    },
    supportMatrix: mergeSupportMatrix(
      ISTIO_SUPPORT_MATRIX,
      config.getOptional('istio.supportMatrix'),
    ),
  };
}
