import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  IstioProxyMemory,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import type { V1Pod } from '@kubernetes/client-node';
import {
  toSourceError,
  type ClusterAccess,
  type ClusterClient,
  type SourceError,
} from '@istio-backstage/plugin-istio-node';
import {
  istioProxyOf,
  isGatewayPod,
  parseImage,
  versionOfTag,
} from '../../lib/mesh/parse';
import {
  estimateSaving,
  recommendSidecar,
  type MemoryFitSums,
} from '../../lib/sidecar';
import type { MeshServiceInfo } from '../../lib/sidecar/types';
import type { AppliedSidecarStore } from '../AppliedSidecarStore';
import type { WireList } from '../../lib/kubernetes/listPaged';
import { SharedReads } from '../../lib/sharedReads';
import {
  MeshEssentialsError,
  type MeshConfigService,
  type MeshEssentials,
} from '../MeshConfigService';
import { readEntityWithDependencies } from './entityWithDependencies';
import { checkNamespace, entitySelection } from './entitySelection';
import { NamespaceHints } from './namespaceHints';
import { podsPath, readNamespace, type NamespaceData } from './readNamespace';
import type { SidecarMemoryService } from './types';
import { toWorkloads, workloadNameOf } from './workloads';

type Item = IstioSidecarMemoryResponse['items'][number];

const WINDOW_DAYS = 7;

/** Builds the {@link SidecarMemoryService}. */
export function createSidecarMemoryService(options: {
  clusters: ClusterAccess;
  catalog: CatalogService;
  meshConfig: MeshConfigService;
  applied: AppliedSidecarStore;
  logger: LoggerService;
  /** Seconds after an apply before memory counts as "after" (proxies settle). */
  settleSeconds?: number;
  /** Where cluster-wide reads are shared between requests; by default only while in flight. */
  shared?: SharedReads;
  /**
   * The live copy of a cluster's read (`what` as `readNamespace` names it),
   * kept by a watch; undefined when there is none or it is not known to be current.
   */
  live?: (cluster: string, what: string) => unknown;
  /** A cluster's memory fit kept from a background read; undefined when there is none. */
  keptMemoryFit?: (cluster: string) => { sums?: MemoryFitSums } | undefined;
}): SidecarMemoryService {
  const { clusters, catalog, meshConfig, applied } = options;
  const settleMs = (options.settleSeconds ?? 60) * 1000;

  const shared = options.shared ?? new SharedReads(0);
  const namespaceHints = new NamespaceHints();

  /** Cluster-wide reads: shared between requests unless the caller needs them fresh. */
  const sharing =
    (client: ClusterClient, fresh: boolean, revision: string) =>
    <T>(
      what: string,
      read: () => Promise<T>,
      keep?: (value: T) => boolean,
    ): Promise<T> => {
      if (fresh) return read();
      const live = options.live?.(client.cluster.name, what);
      if (live) return Promise.resolve(live as T);
      if (what === 'memory-fit') {
        const fit = options.keptMemoryFit?.(client.cluster.name);
        if (fit) return Promise.resolve(fit.sums as T);
      }
      // Sidecars (and the reads and answers they are part of) change on apply: a new
      // store revision reads anew.
      const byRevision =
        what === 'sidecars' ||
        what.startsWith('namespace|') ||
        what.startsWith('item|');
      const key = `${client.cluster.name}|${what}${
        byRevision ? `|${revision}` : ''
      }`;
      return shared.get(key, read, keep);
    };

  /** The cluster's control planes and tracing; a failed read is an error of the answer. */
  const meshOf = async (
    share: ReturnType<typeof sharing>,
    client: ClusterClient,
  ): Promise<{ essentials?: MeshEssentials; error?: SourceError }> => {
    try {
      return {
        essentials: await share('mesh', () =>
          meshConfig.getMeshEssentials(client.cluster.name),
        ),
      };
    } catch (error) {
      return {
        error:
          error instanceof MeshEssentialsError
            ? error.sourceError
            : toSourceError('kubernetes', error),
      };
    }
  };

  /**
   * A namespace's reads, shared like the answers built on them (same reuse, same store
   * revision): a request that only changes the extra hosts, or another entity of the
   * namespace, is analysed without reading the cluster again. Kept only when complete.
   */
  const namespaceRead = (
    share: ReturnType<typeof sharing>,
    client: ClusterClient,
    namespace: string,
  ): Promise<NamespaceData> =>
    share(
      `namespace|${namespace}`,
      () => readNamespace(client, namespace, WINDOW_DAYS, share),
      data => data.errors.length === 0,
    );

  /** One namespace of one cluster: proxies, Sidecars in force, recommendation, estimate. */
  async function analyseNamespace(args: {
    client: ClusterClient;
    /**
     * The mesh config and the namespace's reads, still in progress: awaited together, so
     * a slow Prometheus costs one timeout, not two in a row past the fan-out deadline.
     */
    mesh: Promise<{ essentials?: MeshEssentials; error?: SourceError }>;
    data: Promise<NamespaceData>;
    namespace: string;
    /** The entity's pods in this namespace (already listed); all pods when absent. */
    selectedPods?: V1Pod[];
    dependencies: Array<{
      entityRef: string;
      namespace: string;
      service: string;
    }>;
    extraHosts?: string[];
  }): Promise<Item> {
    const { client, namespace } = args;
    const [{ essentials: mesh, error: meshError }, data, lastApply] =
      await Promise.all([
        args.mesh,
        args.data,
        applied.latest(client.cluster.name, namespace),
      ]);
    const item: Item = {
      cluster: client.cluster.name,
      namespace,
      windowDays: WINDOW_DAYS,
      proxies: [],
      sidecarsInForce: [],
      warnings: [],
      errors: [...(meshError ? [meshError] : []), ...data.errors],
    };
    if (!data.namespacePods) return item;

    const selected = args.selectedPods ?? data.namespacePods;
    const window = data.prometheus?.window;
    item.proxies = selected.map((pod): IstioProxyMemory => {
      const name = pod.metadata?.name ?? '';
      const proxy = istioProxyOf(pod);
      let proxyKind: IstioProxyMemory['proxyKind'] = 'none';
      if (isGatewayPod(pod)) proxyKind = 'gateway';
      else if (proxy) proxyKind = proxy.native ? 'native-sidecar' : 'sidecar';
      else if (
        pod.metadata?.annotations?.['ambient.istio.io/redirection'] ===
        'enabled'
      )
        proxyKind = 'ambient';
      const tag = proxy?.container.image
        ? parseImage(proxy.container.image).tag
        : undefined;
      const version = versionOfTag(tag);
      return {
        cluster: client.cluster.name,
        namespace,
        pod: name,
        workload: workloadNameOf(pod),
        ...(pod.metadata?.labels?.app ? { app: pod.metadata.labels.app } : {}),
        proxyKind,
        ...(version ? { proxyVersion: version } : {}),
        ...(data.memoryNow?.has(name)
          ? { memoryNowBytes: data.memoryNow.get(name) }
          : {}),
        ...(window?.peak.has(name)
          ? { memoryPeakBytes: window.peak.get(name) }
          : {}),
        ...(window?.average.has(name)
          ? { memoryAverageBytes: Math.round(window.average.get(name)!) }
          : {}),
        ...(window?.allocated.has(name)
          ? { envoyAllocatedBytes: window.allocated.get(name) }
          : {}),
        ...(window?.clusters.has(name)
          ? { envoyActiveClusters: window.clusters.get(name) }
          : {}),
      };
    });

    const rootNamespace = mesh?.controlPlanes[0]?.namespace ?? 'istio-system';
    const collector = mesh?.tracing.collector;
    const services: MeshServiceInfo[] = [
      ...(data.services ?? []),
      ...(data.serviceEntries ?? []).flatMap(se =>
        se.hosts.map(host => ({
          namespace: se.namespace,
          name: se.name,
          host,
          ports: se.ports,
          exportTo: se.exportTo,
          serviceEntry: true,
        })),
      ),
    ];
    const entityWorkloads = toWorkloads(selected);
    const result = recommendSidecar({
      cluster: client.cluster.name,
      namespace,
      rootNamespace,
      controlPlaneNamespaces: [
        ...new Set((mesh?.controlPlanes ?? []).map(c => c.namespace)),
      ],
      ...(collector
        ? {
            tracingCollector: {
              host: collector.service
                ? `${collector.service.name}.${collector.service.namespace}.svc.cluster.local`
                : collector.host,
              namespace: collector.service?.namespace,
              port: collector.port,
            },
          }
        : {}),
      entityWorkloads,
      namespaceWorkloads: toWorkloads(data.namespacePods),
      observedEdges: data.prometheus?.edges,
      catalogDependencies: args.dependencies,
      serviceEntries: data.serviceEntries ?? [],
      virtualServices: data.virtualServices ?? [],
      services,
      sidecars: data.sidecars ?? [],
      discoveredNamespaces: undefined,
      namespaceAmbient: (() => {
        const labels = data.namespaceLabels ?? {};
        return (
          labels['istio.io/dataplane-mode'] === 'ambient' &&
          !labels['istio-injection'] &&
          !labels['istio.io/rev']
        );
      })(),
      extraHosts: args.extraHosts,
      windowDays: WINDOW_DAYS,
    });
    item.warnings.push(...result.warnings);
    if (!data.memoryNow) {
      item.warnings.push({
        code: 'metrics-unavailable',
        message: 'metrics.k8s.io could not be read: current memory is unknown.',
      });
    }
    item.sidecarsInForce = (data.sidecars ?? [])
      .filter(
        s =>
          s.namespace === namespace ||
          (s.namespace === rootNamespace && !s.workloadSelector),
      )
      .map(s => ({
        name: s.name,
        namespace: s.namespace,
        ...(s.workloadSelector ? { workloadSelector: s.workloadSelector } : {}),
        hosts: s.hosts,
      }));
    if (lastApply) {
      const sidecarMemory = item.proxies.filter(
        p =>
          p.memoryNowBytes !== undefined &&
          (p.proxyKind === 'sidecar' || p.proxyKind === 'native-sidecar'),
      );
      const settled = Date.now() - lastApply.appliedAt.getTime() >= settleMs;
      item.measured = {
        appliedAt: lastApply.appliedAt.toISOString(),
        appliedBy: lastApply.appliedBy,
        beforeBytes: lastApply.beforeBytes,
        ...(settled && sidecarMemory.length > 0
          ? {
              afterBytes: Math.round(
                sidecarMemory.reduce((n, p) => n + p.memoryNowBytes!, 0) /
                  sidecarMemory.length,
              ),
              measuredAt: new Date().toISOString(),
            }
          : {}),
      };
    }
    if (result.recommendation) {
      item.recommendation = result.recommendation;
      const { clustersBefore, clustersAfter } = result.recommendation;
      const sidecarPods = item.proxies.filter(
        p => p.proxyKind === 'sidecar' || p.proxyKind === 'native-sidecar',
      ).length;
      if (clustersBefore !== undefined && clustersAfter !== undefined) {
        item.estimate = estimateSaving({
          memory: data.prometheus?.memory ?? [],
          clustersBefore,
          clustersAfter,
          pods: sidecarPods,
        });
      }
    }
    return item;
  }

  return {
    async getSidecarMemory(request, { credentials, fresh = false }) {
      const extraHosts = request.extraHosts;
      if ('namespace' in request) {
        const client = clusters.get(request.cluster);
        const namespace = checkNamespace(request.namespace);
        const share = sharing(client, fresh, await applied.revision());
        const item = await analyseNamespace({
          client,
          mesh: meshOf(share, client),
          data: namespaceRead(share, client, namespace),
          namespace,
          dependencies: [],
          extraHosts,
        });
        return { items: [item], errors: [] };
      }

      let ref;
      try {
        ref = parseEntityRef(request.entityRef);
      } catch (error) {
        throw new InputError(
          `Malformed entityRef: ${(error as Error).message}`,
        );
      }
      // Read on behalf of the caller: an entity they cannot see answers like a missing one.
      const [found, revision] = await Promise.all([
        readEntityWithDependencies(ref, catalog, credentials),
        applied.revision(),
      ]);
      if (!found)
        throw new NotFoundError(`No entity ${stringifyEntityRef(ref)}`);
      // The dependencies may still be read (providers of consumed APIs): only the
      // analysis needs them, so the cluster is read meanwhile.
      const { entity, dependencies: dependencyRead } = found;
      const selection = entitySelection(entity);
      const names = selection.cluster
        ? [clusters.get(selection.cluster).cluster.name]
        : clusters.names();

      const fanOut = clusters.fanOut(names, async client => {
        const share = sharing(client, fresh, revision);
        // The annotated namespace (or, without one, where the entity's pods were last
        // found) is read alongside the entity's pods rather than after them — unless the
        // cluster is shedding load (429/503 lately): then the pods read goes alone
        // first, and its failure is all the server gets.
        const ahead =
          selection.namespace !== undefined
            ? [selection.namespace]
            : namespaceHints.get(client.cluster.name, selection.labelSelector);
        const early =
          ahead.length > 0 && !client.pushingBack()
            ? {
                mesh: meshOf(share, client),
                reads: new Map(
                  ahead.map(namespace => [
                    namespace,
                    namespaceRead(share, client, namespace),
                  ]),
                ),
              }
            : undefined;
        // Not awaited when the pods read fails, or when a hint was wrong.
        early?.reads.forEach(read => read.catch(() => {}));
        const pods = await client.read(apis =>
          apis.getJson<WireList<V1Pod>>(podsPath(selection.namespace), {
            labelSelector: selection.labelSelector,
          }),
        );
        const entityPods = pods.items ?? [];
        const namespaces = [
          ...new Set(entityPods.map(p => p.metadata?.namespace ?? '')),
        ]
          .filter(Boolean)
          .sort();
        if (selection.namespace === undefined) {
          namespaceHints.remember(
            client.cluster.name,
            selection.labelSelector,
            namespaces,
          );
        }
        if (namespaces.length === 0) return [];
        const mesh = early?.mesh ?? meshOf(share, client);
        // The cluster is read while the catalog still answers: the dependencies are
        // needed only for the analysis (and its key).
        const reads = new Map(
          namespaces.map(namespace => [
            namespace,
            early?.reads.get(namespace) ??
              namespaceRead(share, client, namespace),
          ]),
        );
        const dependencies = await dependencyRead;
        return Promise.all(
          namespaces.map(namespace => {
            const selectedPods = entityPods.filter(
              p => p.metadata?.namespace === namespace,
            );
            const analyse = () =>
              analyseNamespace({
                client,
                mesh,
                data: reads.get(namespace)!,
                namespace,
                selectedPods,
                dependencies,
                extraHosts,
              });
            if (fresh) return analyse();
            // Each cluster's part of the answer is kept on its own: one failing
            // cluster makes the answer incomplete, never the others' parts slow.
            const key = createHash('sha256')
              .update(
                JSON.stringify([
                  namespace,
                  selectedPods.map(p => p.metadata?.name).sort(),
                  dependencies,
                  extraHosts ?? [],
                ]),
              )
              .digest('hex');
            return share(
              `item|${key}`,
              analyse,
              item => item.errors.length === 0,
            );
          }),
        );
      });
      const [results] = await Promise.all([fanOut, dependencyRead]);
      const response: IstioSidecarMemoryResponse = {
        entityRef: stringifyEntityRef(entity),
        items: [],
        errors: [],
      };
      for (const result of results) {
        if (result.ok) response.items.push(...result.value);
        else response.errors.push({ cluster: result.cluster, ...result.error });
      }
      return response;
    },
  };
}
