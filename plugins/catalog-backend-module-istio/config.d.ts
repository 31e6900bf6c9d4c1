export interface Config {
  istio?: {
    /**
     * Timeout of each request to a cluster's API server, in milliseconds. Shared
     * with the Istio backend plugin. Default 5000.
     */
    requestTimeoutMs?: number;
    /** What `@istio-backstage/plugin-catalog-backend-module-istio` registers in the catalog. */
    catalog?: {
      /**
       * Mesh namespaces created by `istio:namespace:create` (label
       * `app.kubernetes.io/managed-by=backstage-istio`), registered as `Resource`
       * entities of type `kubernetes-namespace`, one provider per cluster configured
       * in `kubernetes.clusterLocatorMethods`.
       */
      namespaces?: {
        /** Seconds between two reads of each cluster. Default 30. */
        frequencySeconds?: number;
        /** Seconds one read may run before the scheduler abandons it. Default 60. */
        timeoutSeconds?: number;
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
}
