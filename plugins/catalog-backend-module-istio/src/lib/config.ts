import type { Config } from '@backstage/config';
import { normalizeOwnerRef } from './ownerRef';

/** `istio.catalog.namespaces`, read once and checked. */
export interface NamespaceProviderConfig {
  /** Seconds between two reads of a cluster. */
  frequencySeconds: number;
  /** Seconds one read may take before the scheduler gives up on it. */
  timeoutSeconds: number;
  /** Normalized entity ref of the owner of namespaces that name none. */
  defaultOwner?: string;
}

const KEY = 'istio.catalog.namespaces';

function positiveSeconds(
  config: Config | undefined,
  key: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(
      `Invalid config at '${KEY}.${key}': expected a positive number of seconds`,
    );
  return value;
}

/** Reads `istio.catalog.namespaces`; throws naming the bad key. */
export function readNamespaceProviderConfig(
  root: Config,
): NamespaceProviderConfig {
  const config = root.getOptionalConfig(KEY);
  const frequencySeconds = positiveSeconds(config, 'frequencySeconds', 30);
  const timeoutSeconds = positiveSeconds(config, 'timeoutSeconds', 60);
  const owner = config?.getOptionalString('defaultOwner');
  let defaultOwner: string | undefined;
  if (owner !== undefined) {
    defaultOwner = normalizeOwnerRef(owner);
    if (!defaultOwner)
      throw new Error(
        `Invalid config at '${KEY}.defaultOwner': not an entity ref (e.g. group:default/platform-team)`,
      );
  }
  return { frequencySeconds, timeoutSeconds, defaultOwner };
}
