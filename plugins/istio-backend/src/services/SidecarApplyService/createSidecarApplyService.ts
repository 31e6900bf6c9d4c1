import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import type { IstioSidecarChange } from '@istio-backstage/plugin-istio-common';
import {
  statusOf,
  toWriteError,
  type ClusterAccess,
} from '@istio-backstage/plugin-istio-node';
import yaml from 'yaml';
import type { AppliedSidecarStore } from '../AppliedSidecarStore';
import type { SidecarMemoryService } from '../SidecarMemoryService';
import type { SidecarApplyService } from './types';

/** The field manager our writes own fields as (conflicts name it). */
export const FIELD_MANAGER = 'backstage-istio';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

type SidecarObject = KubernetesObject & {
  spec?: { egress?: Array<{ hosts?: string[] }> };
};

const hostsOf = (o: SidecarObject | undefined) =>
  (o?.spec?.egress ?? []).flatMap(e => e.hosts ?? []);

/**
 * Applies the recommended Sidecar for an entity: built server-side from the current
 * recommendation (never client YAML), only Sidecars in the target namespace, server-side
 * apply with `dryRun=All` first and then for real with our field manager and
 * `force=false`; every write audited; memory before recorded for the measured saving.
 */
export function createSidecarApplyService(options: {
  clusters: ClusterAccess;
  sidecarMemory: SidecarMemoryService;
  applied: AppliedSidecarStore;
  auditor: AuditorService;
  logger: LoggerService;
  impersonate: boolean;
  /** Told of each cluster whose Sidecars an apply may have changed, before it is recorded. */
  onSidecarsChanged?: (cluster: string) => void;
}): SidecarApplyService {
  const { clusters, sidecarMemory, applied, auditor, impersonate } = options;

  return {
    async apply(request, { credentials }) {
      const user = credentials.principal.userEntityRef;
      const client = clusters.get(request.cluster);
      const memory = await sidecarMemory.getSidecarMemory(
        { entityRef: request.entityRef, extraHosts: request.extraHosts },
        { credentials, fresh: true },
      );
      const item = memory.items.find(
        i =>
          i.cluster === client.cluster.name &&
          i.namespace === request.namespace,
      );
      if (!item)
        throw new NotFoundError(
          `${request.entityRef} has no workloads in ${request.cluster}/${request.namespace}`,
        );
      if (!item.recommendation) {
        throw new ConflictError(
          `No Sidecar is recommended here: ${
            item.warnings.map(w => w.message).join(' ') || 'no data'
          }`,
        );
      }

      const objects = yaml
        .parseAllDocuments(item.recommendation.yaml)
        .map(d => d.toJS({ maxAliasCount: 0 }) as SidecarObject);
      for (const object of objects) {
        // Defence in depth: only Sidecars, only in the requested namespace.
        if (
          object.kind !== 'Sidecar' ||
          !object.apiVersion?.startsWith('networking.istio.io/') ||
          object.metadata?.namespace !== request.namespace ||
          !DNS_1123_LABEL.test(object.metadata?.name ?? '')
        ) {
          throw new InputError(
            'The recommendation produced an object that may not be applied',
          );
        }
      }

      const event = await auditor.createEvent({
        eventId: 'sidecar-apply',
        severityLevel: request.dryRun ? 'low' : 'medium',
        meta: {
          user,
          cluster: client.cluster.name,
          namespace: request.namespace,
          objects: objects.map(o => o.metadata?.name ?? ''),
          dryRun: request.dryRun,
        },
      });
      try {
        const impersonateUser = impersonate ? user : undefined;
        const existing = await Promise.all(
          objects.map(o =>
            client
              .read(apis =>
                apis.objects.read({
                  apiVersion: o.apiVersion,
                  kind: o.kind,
                  metadata: {
                    name: o.metadata!.name!,
                    namespace: request.namespace,
                  },
                }),
              )
              .then(x => x as SidecarObject)
              .catch(error => {
                if (statusOf(error) === 404) return undefined;
                throw error;
              }),
          ),
        );
        const patch = (dryRun: boolean) =>
          Promise.all(
            objects.map(o =>
              client.write(
                apis =>
                  apis.objects.patch(
                    o,
                    undefined,
                    dryRun ? 'All' : undefined,
                    FIELD_MANAGER,
                    false,
                    PatchStrategy.ServerSideApply,
                  ),
                impersonateUser,
              ),
            ),
          );
        // Always a dry run first: admission webhooks and conflicts surface before any change.
        let results = await patch(true);
        if (!request.dryRun) {
          try {
            results = await patch(false);
          } finally {
            // Some objects may be written even when another failed.
            options.onSidecarsChanged?.(client.cluster.name);
          }
        }

        const changes: IstioSidecarChange[] = objects.map((o, i) => {
          const before = existing[i];
          const after = hostsOf(o);
          let action: IstioSidecarChange['action'] = 'created';
          if (before)
            action =
              JSON.stringify(hostsOf(before)) === JSON.stringify(after)
                ? 'unchanged'
                : 'configured';
          return {
            name: o.metadata!.name!,
            namespace: request.namespace,
            action,
            ...(before ? { hostsBefore: hostsOf(before) } : {}),
            hostsAfter: after,
          };
        });

        // Only a real change starts a new before/after measurement.
        if (!request.dryRun && changes.some(c => c.action !== 'unchanged')) {
          const sidecars = item.proxies.filter(
            p =>
              p.memoryNowBytes !== undefined &&
              (p.proxyKind === 'sidecar' || p.proxyKind === 'native-sidecar'),
          );
          if (sidecars.length > 0) {
            await applied.record({
              cluster: client.cluster.name,
              namespace: request.namespace,
              entityRef: memory.entityRef,
              appliedBy: user,
              appliedAt: new Date(),
              beforeBytes:
                sidecars.reduce((n, p) => n + p.memoryNowBytes!, 0) /
                sidecars.length,
              pods: sidecars.length,
              sidecarNames: objects.map(o => o.metadata!.name!),
            });
          }
        }
        await event.success({
          meta: { changes: changes.map(c => `${c.name}:${c.action}`) },
        });
        return {
          cluster: client.cluster.name,
          namespace: request.namespace,
          dryRun: request.dryRun,
          changes,
          yaml: results
            .map(r =>
              yaml.stringify({
                ...r,
                metadata: { ...r.metadata, managedFields: undefined },
              }),
            )
            .join('---\n'),
        };
      } catch (error) {
        const mapped =
          error instanceof Error &&
          [
            'ConflictError',
            'InputError',
            'NotAllowedError',
            'NotFoundError',
          ].includes(error.name)
            ? error
            : toWriteError(error, 'the Sidecar');
        await event.fail({ error: mapped });
        throw mapped;
      }
    },
  };
}
