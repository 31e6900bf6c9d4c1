/*
 * The Istio backend plugin's own keys. What it reads through
 * `@istio-backstage/plugin-istio-node` (`istio.clusters`, `istio.apply.namespaceOwners`
 * and `istio.apply.platformGroups`) is declared there, and the clusters themselves by
 * the Kubernetes plugin (`kubernetes.clusterLocatorMethods`).
 */
export interface Config {
  /**
   * Istio plugin settings. Clusters themselves come from the Kubernetes plugin's
   * `kubernetes.clusterLocatorMethods`; `istio.clusters` only adds what Istio needs per
   * cluster, matched by cluster name.
   */
  istio?: {
    /**
     * Timeout of each request to a cluster's API server or Prometheus, in
     * milliseconds. Default 5000.
     */
    requestTimeoutMs?: number;
    /**
     * How long an answer that spans clusters waits for the slowest one, in
     * milliseconds; clusters still reading then answer `Timeout` (their reads go on
     * and fill the mesh-config cache for the next request). Default 10000.
     */
    fanOutDeadlineMs?: number;
    sidecarMemory?: {
      /**
       * Seconds a sidecar-memory answer may be reused: whole answers per caller and
       * request and each cluster's part of them (through the cache service when
       * `backend.cache.store` is a shared store such as Redis, so every replica serves
       * them, with at most 500 kept in each process in front of it; else in the
       * process alone), each namespace's reads and the cluster-wide lists behind them
       * (Services, ServiceEntries, Sidecars) in each process. Any apply, on any
       * replica, invalidates them; parts with a failed source are never reused.
       * 0 disables. Default 15.
       */
      cacheSeconds?: number;
    };
    /**
     * Keep each cluster's Services, ServiceEntries, VirtualServices and Sidecars in
     * memory with watches, in each replica (list, then watches of at most 5 minutes
     * resumed from their resourceVersion; listed afresh after any failure, waiting 5 s,
     * doubled while failures repeat up to 5 minutes, and Sidecars after each apply;
     * needs the `watch` verb on them), so no request lists them. When false, or while
     * a watch is down, requests list them. Default true.
     */
    watchMeshLists?: boolean;
    /**
     * Read each cluster's memory fit (istio-proxy working set against active Envoy
     * clusters, over all proxies) from Prometheus in the background instead of on
     * requests: a scheduled task that one replica at a time runs, its result kept in
     * the cache service for all of them. Default true.
     */
    keepMemoryFit?: boolean;
    /** Seconds between two background reads of the memory fit. Default 300. */
    memoryFitRefreshSeconds?: number;
    /**
     * Read each cluster's control planes and tracing (istiod Deployments, their
     * MeshConfig ConfigMaps, Telemetry) in the background, so sidecar-memory answers
     * do not wait for them: a scheduled task that one replica at a time runs, its
     * result kept in the cache service for all of them. Default true.
     */
    keepMeshEssentials?: boolean;
    /** Seconds between two background reads of the control planes and tracing. Default 30. */
    meshEssentialsRefreshSeconds?: number;
    /**
     * Bounds on the routes that read or write clusters (`mesh-config`,
     * `sidecar-memory`, `sidecars`): requests beyond `maxConcurrent` wait, and
     * beyond `maxQueued` waiting ones are refused with 503 and `Retry-After`.
     * Defaults 16 and 128.
     */
    admission?: {
      maxConcurrent?: number;
      maxQueued?: number;
    };
    /** Applying recommended Sidecars (`POST /api/istio/sidecars`). */
    apply?: {
      /**
       * Send the Backstage user as `Impersonate-User`, so the cluster's RBAC decides
       * whether they may write Sidecars (the configured token must be allowed to
       * impersonate). Default false.
       */
      impersonateUser?: boolean;
      /**
       * Seconds after an apply before the proxies' memory counts as "after" for the
       * measured saving. Default 60.
       */
      settleSeconds?: number;
      /**
       * Days the record of an apply (who applied which Sidecars, and the memory
       * before) is kept in the plugin's database for the measured saving. Older
       * records are deleted when the backend starts and whenever a Sidecar is
       * applied; the newest record is kept whatever its age, but no longer shown.
       * A number above 0; the backend refuses to start otherwise. Default 90.
       */
      retentionDays?: number;
    };
    /**
     * Rows added to, or correcting, the built-in Istio support matrix, without waiting
     * for a plugin release: Istio publishes a minor about every three months, and the
     * built-in table only knows the releases up to the day it was checked (shown as
     * "as of" in verdicts). A row for a minor the table holds replaces it (for example
     * an end of life Istio has now announced); a new minor is added. Read by the Istio
     * backend (control-plane verdicts and the `IBS-VERSION-*` diagnostics) and by the
     * scaffolder actions `istio:version:check` and `istio:install-config:render`.
     * Invalid rows stop the backend at startup with an error naming the path and field.
     * Quote versions (`'1.30'`): unquoted, YAML reads `1.30` as the number 1.3.
     */
    supportMatrix?: Array<{
      /** Istio minor, written `N.N`, for example `'1.31'`. */
      istio: string;
      /** Release date, `YYYY-MM-DD`. */
      released: string;
      /** Last supported day, `YYYY-MM-DD` (after `released`). */
      endOfLife: string;
      /**
       * True when `endOfLife` is an estimate Istio has not announced: once it passes,
       * the verdict is "likely end of life — check" instead of unsupported (when the
       * Kubernetes version is in range). Default false.
       */
      endOfLifeExpected?: boolean;
      /**
       * Oldest and newest Kubernetes minor Istio tests this release on, `['N.N', 'N.N']`
       * with the first not above the second.
       */
      kubernetesTested: string[];
      /** Oldest Kubernetes minor `istioctl` accepts for this release, not above the oldest tested. */
      kubernetesMinimum: string;
    }>;
  };
}
