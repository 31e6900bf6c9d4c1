/**
 * How the backend reaches one cluster's Prometheus (or a Prometheus-compatible front end
 * such as Thanos Query or Mimir): from `istio.clusters[].prometheus`. Credentials are
 * never logged and never returned to a caller.
 *
 * @public
 */
export interface PrometheusConnection {
  /**
   * Base URL, path prefix included (`https://mimir.example.com/prometheus`); queries go
   * to `<url>/api/v1/query`.
   */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** Sent as `Authorization: Basic …`. */
  basicAuth?: { username: string; password: string };
  /** Extra request headers, e.g. `X-Scope-OrgID` for a multi-tenant Mimir. */
  headers?: Record<string, string>;
  /** PEM CA bundle to trust (inline), for a private CA. */
  caData?: string;
  /** Path of a PEM CA bundle to trust. */
  caFile?: string;
  /** Accept any server certificate (tests and labs only). */
  skipTLSVerify?: boolean;
}
