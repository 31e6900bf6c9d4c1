import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { normalizeOwnerRef } from './ownerRef';

/** `catalog.providers.istio`, read once and checked. */
export interface NamespaceProviderConfig {
  /** When each cluster is read: `catalog.providers.istio.schedule`, else every 30 s with a 60 s timeout. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Normalized entity ref of the owner of namespaces that name none. */
  defaultOwner?: string;
}

/** Where the provider's settings live, as for Backstage's own entity providers. */
export const PROVIDER_CONFIG_KEY = 'catalog.providers.istio';

/** The schedule when none is configured: each cluster every 30 s, a run abandoned after 60 s. */
export const DEFAULT_PROVIDER_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { seconds: 30 },
    timeout: { seconds: 60 },
  };

/** The keys of `istio.catalog.namespaces`, no longer read, and what replaced each. */
const MOVED_KEYS = {
  'istio.catalog.namespaces.frequencySeconds': `${PROVIDER_CONFIG_KEY}.schedule.frequency (a duration such as { seconds: 30 }; the schedule needs a timeout too)`,
  'istio.catalog.namespaces.timeoutSeconds': `${PROVIDER_CONFIG_KEY}.schedule.timeout (a duration such as { seconds: 60 }; the schedule needs a frequency too)`,
  'istio.catalog.namespaces.defaultOwner': `${PROVIDER_CONFIG_KEY}.defaultOwner`,
};

/**
 * Refuses the former `istio.catalog` section: ignoring it would silently drop a
 * configured default owner, and with it every namespace that names no owner.
 */
function refuseMovedKeys(root: Config): void {
  if (!root.has('istio.catalog')) return;
  const moves: string[] = [];
  for (const [from, to] of Object.entries(MOVED_KEYS))
    if (root.has(from)) moves.push(`replace ${from} with ${to}`);
  if (moves.length === 0)
    moves.push(
      `set ${PROVIDER_CONFIG_KEY}.schedule (frequency and timeout) and ${PROVIDER_CONFIG_KEY}.defaultOwner instead`,
    );
  throw new Error(
    `Invalid config: istio.catalog is no longer read; ${moves.join('; ')}`,
  );
}

/**
 * Reads `catalog.providers.istio` (`schedule`, `defaultOwner`); throws naming the bad
 * key, and names the new key when the former `istio.catalog.namespaces` is set.
 */
export function readNamespaceProviderConfig(
  root: Config,
): NamespaceProviderConfig {
  refuseMovedKeys(root);
  const config = root.getOptionalConfig(PROVIDER_CONFIG_KEY);
  const scheduleConfig = config?.getOptionalConfig('schedule');
  let schedule = DEFAULT_PROVIDER_SCHEDULE;
  if (scheduleConfig) {
    try {
      schedule =
        readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig);
    } catch (error) {
      // Its messages name the key inside the block only (`frequency`, `timeout`).
      throw new Error(
        `Invalid config at '${PROVIDER_CONFIG_KEY}.schedule': ${
          (error as Error).message
        }`,
      );
    }
  }
  const owner = config?.getOptionalString('defaultOwner');
  let defaultOwner: string | undefined;
  if (owner !== undefined) {
    defaultOwner = normalizeOwnerRef(owner);
    if (!defaultOwner)
      throw new Error(
        `Invalid config at '${PROVIDER_CONFIG_KEY}.defaultOwner': not an entity ref (e.g. group:default/platform-team)`,
      );
  }
  return { schedule, ...(defaultOwner ? { defaultOwner } : {}) };
}
