import type {
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ClusterAccess } from '@istio-backstage/plugin-istio-node';
import type { AnswerCache } from '../../lib/answerCache';
import { SharedReads } from '../../lib/sharedReads';
import type { AppliedSidecarStore } from '../AppliedSidecarStore';
import type { ClusterReads } from '../ClusterReads';
import type { SidecarMemoryItem } from './analyseNamespace';
import { entityAnswer } from './entityAnswer';
import { checkNamespace } from './entitySelection';
import { NamespaceHints } from './namespaceHints';
import {
  analyse,
  meshOf,
  namespaceRead,
  scopeOf,
  type SidecarMemoryDeps,
} from './namespaceParts';
import type { NamespaceData } from './readNamespace';
import type { SidecarMemoryService } from './types';

/** Builds the {@link SidecarMemoryService}. */
export function createSidecarMemoryService(options: {
  clusters: ClusterAccess;
  /** The clusters' mesh-wide reads (Services, Sidecars, control planes, memory fit…). */
  reads: ClusterReads;
  catalog: CatalogService;
  userInfo: UserInfoService;
  applied: AppliedSidecarStore;
  logger: LoggerService;
  /** Seconds after an apply before memory counts as "after" (proxies settle). */
  settleSeconds?: number;
  /** How long a namespace's reads are reused by the next requests; 0 = only in flight. */
  reuseMs?: number;
  /** Where analysed parts of answers are kept (per cluster × namespace); none when absent. */
  parts?: AnswerCache<SidecarMemoryItem>;
  now?: () => Date;
}): SidecarMemoryService {
  const deps: SidecarMemoryDeps = {
    ...options,
    settleMs: (options.settleSeconds ?? 60) * 1000,
    now: options.now ?? (() => new Date()),
    namespaceReads: new SharedReads<NamespaceData>(options.reuseMs ?? 0),
    namespaceHints: new NamespaceHints(),
  };
  return {
    async getSidecarMemory(request, readOptions) {
      if (!('namespace' in request))
        return entityAnswer(deps, request, readOptions);
      const scope = scopeOf(
        deps.clusters.get(request.cluster, readOptions.userAuth),
        {
          fresh: readOptions.fresh,
          revision: await deps.applied.revision(),
          userAuth: readOptions.userAuth,
        },
      );
      const namespace = checkNamespace(request.namespace);
      const item = await analyse(deps, {
        scope,
        namespace,
        mesh: meshOf(deps, scope),
        data: namespaceRead(deps, scope, namespace),
        dependencies: [],
        extraHosts: request.extraHosts,
      });
      return { items: [item], errors: [] };
    },
  };
}
