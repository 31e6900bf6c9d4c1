import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * What `@istio-backstage/plugin-catalog-backend-module-istio` registers in the
       * catalog: the mesh namespaces created by `istio:namespace:create` (label
       * `app.kubernetes.io/managed-by=backstage-istio`), as `Resource` entities of type
       * `kubernetes-namespace`, one provider per cluster configured in
       * `kubernetes.clusterLocatorMethods`. Replaces `istio.catalog.namespaces`, which
       * now stops the backend at startup naming the key to use instead.
       */
      istio?: {
        /**
         * When each cluster is read, as for Backstage's own entity providers: for
         * example `frequency: { seconds: 30 }` and `timeout: { seconds: 60 }` (the
         * default when there is no `schedule`), or `frequency: { cron: '...' }`.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * Entity ref of the owner of a namespace that names none (no valid
         * `istio-backstage.io/owner` annotation written by the `backstage-istio` field
         * manager), for example `group:default/platform-team`. Without it such
         * namespaces are left out of the catalog, with a warning in the log.
         */
        defaultOwner?: string;
      };
    };
  };
  istio?: {
    /**
     * Timeout of each request to a cluster's API server, in milliseconds. Shared
     * with the Istio backend plugin and the scaffolder module. Default 5000.
     */
    requestTimeoutMs?: number;
  };
}
