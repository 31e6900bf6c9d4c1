/*
 * The keys the scaffolder module reads itself; the Istio backend reads them too and
 * declares them alike. What it reads through `@istio-backstage/plugin-istio-node`
 * (`istio.clusters`, `istio.apply.namespaceOwners`, `istio.apply.platformGroups`) is
 * declared there, and the clusters by the Kubernetes plugin.
 */
export interface Config {
  istio?: {
    /**
     * Timeout of each request to a cluster's API server, in milliseconds. Shared with
     * the Istio backend plugin. Default 5000.
     */
    requestTimeoutMs?: number;
    /** Writing into clusters through Backstage. */
    apply?: {
      /**
       * Send the Backstage user as `Impersonate-User` with the writes of
       * `istio:namespace:create`, so the cluster's RBAC decides as well (the
       * configured token must be allowed to impersonate). Default false.
       */
      impersonateUser?: boolean;
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
