/*
 * The keys this library reads for every package that uses it (the Istio backend, its
 * scaffolder and catalog modules): each backend that installs one of them loads this
 * schema through its dependencies. Clusters themselves, with their URLs and
 * credentials, are the Kubernetes plugin's `kubernetes.clusterLocatorMethods`, read as
 * it reads them and declared by its own schema.
 */
export interface Config {
  /**
   * Istio plugin settings. Clusters themselves come from the Kubernetes plugin's
   * `kubernetes.clusterLocatorMethods`; this section only adds what Istio needs per
   * cluster, matched by cluster name.
   */
  istio?: {
    /** Writing into namespaces through Backstage: who owns which namespace. */
    apply?: {
      /**
       * Who owns namespaces that were not created by `istio:namespace:create` (whose
       * `istio-backstage.io/owner` annotation says so): the entity refs (groups or
       * users) that may write Sidecars in `namespace` through Backstage, in `cluster`
       * only when given. A namespace with the annotation uses the annotation. Without
       * either, nobody may write there.
       */
      namespaceOwners?: Array<{
        namespace: string;
        cluster?: string;
        owners: string[];
      }>;
      /**
       * Groups that may hand a namespace created by `istio:namespace:create` to
       * another owner (besides its current owner).
       */
      platformGroups?: string[];
    };
    /**
     * What Istio needs per cluster of `kubernetes.clusterLocatorMethods`, matched by
     * name. The Kiali, Jaeger and Grafana URLs reach the browser as links in the
     * backend's answers, so none of these keys is visible to the frontend's config.
     */
    clusters?: Array<{
      /** Name of a cluster configured in `kubernetes.clusterLocatorMethods`. */
      name: string;
      /**
       * Prometheus that scrapes this cluster's Envoy and istiod metrics (queried by the
       * backend), or a Prometheus-compatible front end such as Thanos Query or Mimir.
       */
      prometheus?: {
        /**
         * Base URL, path prefix included, for example `http://prometheus.monitoring:9090`
         * or `https://mimir.example.com/prometheus`; queries go to `<url>/api/v1/query`.
         * No credentials in it: use `bearerToken` or `basicAuth`.
         */
        url: string;
        /**
         * Sent as `Authorization: Bearer <token>`. Not together with `basicAuth`.
         * @visibility secret
         */
        bearerToken?: string;
        /** HTTP basic authentication. Not together with `bearerToken`. */
        basicAuth?: {
          /**
           * The user name.
           * @visibility secret
           */
          username: string;
          /**
           * The password.
           * @visibility secret
           */
          password: string;
        };
        /**
         * Extra request headers, for example `X-Scope-OrgID` for a multi-tenant Mimir.
         * Not `Authorization`: use `bearerToken` or `basicAuth`. Every value is secret.
         * @visibility secret
         * @deepVisibility secret
         */
        headers?: { [name: string]: string };
        /**
         * PEM CA bundle to trust (inline) for an `https` URL signed by a private CA;
         * base64-encoded PEM, as in the Kubernetes plugin's `caData`, is accepted too.
         * Certificates only, no private key: it is not a secret.
         */
        caData?: string;
        /** Path of a PEM CA bundle to trust; the file must exist when the backend starts. */
        caFile?: string;
        /**
         * Accept any server certificate. For tests and labs only. Default false.
         */
        skipTLSVerify?: boolean;
      };
      /** Kiali as users open it in a browser. */
      kiali?: {
        /** Kiali base URL including its web root, for example `https://kiali.example.com/kiali`. */
        url: string;
      };
      /** Jaeger query UI as users open it in a browser. */
      jaeger?: {
        /** Jaeger UI base URL, for example `https://jaeger.example.com/jaeger`. */
        url: string;
      };
      /** Grafana with the Istio dashboards. */
      grafana?: {
        /** Grafana base URL, for example `https://grafana.example.com`. */
        url: string;
        /**
         * Dashboard UIDs. Istio 1.22+ dashboards have no fixed UID, so name them here.
         */
        dashboards?: {
          /** Istio Service Dashboard UID. */
          service?: string;
          /** Istio Workload Dashboard UID. */
          workload?: string;
          /** Istio Mesh Dashboard UID. */
          mesh?: string;
        };
      };
    }>;
  };
}
