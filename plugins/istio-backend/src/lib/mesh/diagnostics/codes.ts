import type { IstioDiagnosticCode } from '@istio-backstage/plugin-istio-common';

/**
 * What a diagnostic code means, for DIAGNOSTICS.md and for building diagnostics. Its
 * severity, scope and topic are in `DIAGNOSTIC_KINDS` of the common package, which the
 * frontend shares.
 */
export interface DiagnosticCodeInfo {
  title: string;
  /** What the finding means and why it matters. */
  meaning: string;
  /** The fix in one sentence (each diagnostic carries the concrete one). */
  fix: string;
}

/**
 * Every diagnostic code the mesh-config endpoint can return, exactly those of
 * `DIAGNOSTIC_KINDS` (the type says so). Codes are stable: never rename one, add a new
 * code instead. DIAGNOSTICS.md documents each entry (a test keeps both in sync), and
 * every diagnostic takes its title from here.
 */
export const DIAGNOSTIC_CODES = {
  'IBS-GATEWAY-IN-ROOT-NAMESPACE': {
    title: 'Gateway runs in the control plane namespace',
    meaning:
      'A gateway runs in the namespace of istiod. Gateways face outside traffic; Istio recommends running them apart from the control plane so a compromised gateway gets no foothold next to istiod and its secrets.',
    fix: 'Deploy the gateway in its own namespace (IstioOperator `components.ingressGateways[].namespace` or the Helm `gateway` chart) and remove the old one.',
  },
  'IBS-GATEWAY-NO-INJECTION': {
    title: 'Gateway not injected with the gateway template',
    meaning:
      'The gateway was not created through gateway injection (`inject.istio.io/templates: gateway`), so it does not follow the mesh proxy configuration and sends no traces.',
    fix: 'Set IstioOperator `values.gateways.istio-ingressgateway.injectionTemplate: gateway` with a separate gateway namespace, or deploy the gateway with the Helm `gateway` chart.',
  },
  'IBS-TRACING-COLLECTOR-MISSING': {
    title: 'Tracing collector Service or port missing',
    meaning:
      'Proxies send spans to a host:port that does not exist in the cluster, so every span is dropped. Typical cause: Jaeger deployed without its Zipkin port 9411, where the Istio Zipkin tracer sends spans.',
    fix: 'Enable Zipkin on the collector (`COLLECTOR_ZIPKIN_HOST_PORT=:9411` for Jaeger v1, a `zipkin` receiver for Jaeger v2 / OpenTelemetry Collector), or point Istio at the OTLP port with an `opentelemetry` extension provider.',
  },
  'IBS-TRACING-NO-PROVIDER': {
    title: 'No Telemetry API tracing provider on Istio ≥ 1.22',
    meaning:
      "Istio 1.22 removed the implicit Zipkin provider. Tracing configured only through `meshConfig.defaultConfig.tracing` (or not at all) is legacy; spans may not be sent anywhere. Judged per control plane revision, each by its own MeshConfig; also reported, on any version, when the Telemetry API resolves to no provider the revision's MeshConfig defines (a Telemetry naming a provider only another revision declares), since istiod then turns tracing off.",
    fix: "Declare the collector in the revision's `meshConfig.extensionProviders` and enable it with a root-namespace `Telemetry` resource (`telemetry.istio.io/v1`).",
  },
  'IBS-TRACING-FULL-SAMPLING': {
    title: '100 % trace sampling in a large mesh',
    meaning:
      'Every request of a mesh with many proxies is traced: high proxy CPU, network and collector storage cost.',
    fix: 'Lower `randomSamplingPercentage` of the root-namespace Telemetry (or `defaultConfig.tracing.sampling`) to a few percent; raise it per namespace with a namespace Telemetry when debugging.',
  },
  'IBS-TRACING-SAMPLING-FRACTION': {
    title: 'Sampling written as a fraction',
    meaning:
      'Istio sampling values are percentages (0–100). A value between 0 and 1 such as `sampling: 1.0` in a MeshConfig `defaultConfig.tracing.sampling` (or istiod `PILOT_TRACE_SAMPLING`) traces 1 % of requests, not 100 %. Telemetry `randomSamplingPercentage` says it is a percentage and is never flagged.',
    fix: 'Write the percentage you mean: `100` to trace everything, `1` (the default) for 1 %.',
  },
  'IBS-CNI-MISSING': {
    title: 'No Istio CNI: pods need NET_ADMIN',
    meaning:
      'Without the Istio CNI node agent every injected pod runs the `istio-init` init container with the NET_ADMIN and NET_RAW capabilities, which Pod Security `restricted`/`baseline` forbids and widens the attack surface.',
    fix: 'Install Istio CNI (IstioOperator `components.cni.enabled: true`, or the Helm `cni` chart plus istiod `pilot.cni.enabled=true`) and restart the injected workloads.',
  },
  'IBS-VERSION-UNSUPPORTED': {
    title: 'Unsupported or end-of-life Istio / Kubernetes pair',
    meaning:
      "The control plane's Istio release is past its announced end of life, or is not tested / not accepted on the cluster's Kubernetes version (Istio support matrix).",
    fix: 'Upgrade Istio (canary revision or in place) to a supported release that is tested on this Kubernetes version.',
  },
  'IBS-VERSION-LIKELY-EOL': {
    title: 'Istio release likely past its estimated end of life',
    meaning:
      "The support matrix only estimates the control plane's end of life (Istio had not announced it when the matrix was checked), and that estimate has passed: the release is likely no longer supported. The Kubernetes version is fine.",
    fix: "Check istio.io's supported releases: if the release has ended, upgrade Istio to a supported one; record the announced date, or newer releases, under `istio.supportMatrix`.",
  },
  'IBS-IN-CLUSTER-OPERATOR': {
    title: 'In-cluster Istio operator on Istio ≥ 1.24',
    meaning:
      'The in-cluster operator (installed with `istioctl operator init`) was removed in Istio 1.24; it cannot manage this control plane and reconciles stale IstioOperator resources.',
    fix: 'Install from the IstioOperator file with `istioctl install -f` or move to the Helm charts, then remove the operator Deployment and its namespace.',
  },
  'IBS-IMAGE-PULL-FAILED': {
    title: 'Istio images cannot be pulled',
    meaning:
      'Istio containers (istiod, proxies, init or CNI) are stuck in ErrImagePull / ImagePullBackOff, usually because docker.io is unreachable or rate-limited.',
    fix: 'Point Istio at a reachable registry: IstioOperator `spec.hub` (and `spec.tag`) or Helm `global.hub`, then restart the failing pods.',
  },
  'IBS-ENVOY-METRICS-NOT-SCRAPED': {
    title: 'Envoy metrics not scraped by Prometheus',
    meaning:
      "Prometheus has no Envoy/Istio proxy series, so Kiali's graph, Istio dashboards and sidecar-memory history are empty.",
    fix: 'Add the `envoy-stats` scrape job of the Istio Prometheus integration (or enable `enablePrometheusMerge` with annotation-based scraping).',
  },
  'IBS-ISTIOD-METRICS-NOT-SCRAPED': {
    title: 'istiod metrics not scraped by Prometheus',
    meaning:
      'Prometheus has no istiod (`pilot_*`) series, so the control plane dashboard and push/convergence alerts have no data.',
    fix: 'Add the `istiod` scrape job of the Istio Prometheus integration (endpoints of Service `istiod`, port `http-monitoring`).',
  },
  'IBS-KIALI-SERVICE-MISSING': {
    title: 'Kiali external service points at nothing',
    meaning:
      'A Kiali `external_services` URL (Prometheus, tracing, Grafana) names a Service or port that does not exist in the cluster, so that Kiali feature is broken.',
    fix: 'Correct the URL in the Kiali ConfigMap (or the Kiali CR when the Kiali operator manages it) to a Service and port that exist.',
  },
  'IBS-NAMESPACE-NOT-SCOPED': {
    title: 'Namespace without Sidecar scoping in a large mesh',
    meaning:
      "The namespace's proxies receive the configuration of every service in the mesh (no namespace nor root default Sidecar). In large meshes this costs hundreds of MiB per proxy (bookinfo proxies measured at 327Mi dropped to 60Mi with a namespace-wide `./*` Sidecar).",
    fix: 'Apply a selector-less `default` Sidecar with egress `./*`, the control plane namespace and the tracing collector, plus the namespaces the workloads call.',
  },
  'IBS-SIDECAR-MULTIPLE-DEFAULTS': {
    title: 'Several selector-less Sidecars in one namespace',
    meaning:
      'A namespace may have only one selector-less Sidecar; with several, Istio documents the behaviour as undefined and applies only one of them, so the effective scope is not what was written (cf. istioctl IST0111).',
    fix: 'Merge the egress hosts into one Sidecar named `default` and delete the others.',
  },
  'IBS-ROOT-SIDECAR-WITH-SELECTOR': {
    title: 'Root-namespace Sidecar with a workloadSelector',
    meaning:
      'A Sidecar in the root namespace is meant to be the mesh-wide default, but with a workloadSelector it only applies to matching workloads of the root namespace itself (cf. Kiali KIA1006).',
    fix: 'Remove the workloadSelector to make it the mesh default, or move it to the namespace of the workloads it selects.',
  },
  'IBS-SIDECAR-IN-AMBIENT-NAMESPACE': {
    title: 'Sidecar in an ambient namespace',
    meaning:
      'Ambient workloads have no sidecar proxy, so a Sidecar resource in an ambient namespace has no effect (cf. istioctl IST0167).',
    fix: 'Delete the Sidecar; in ambient mode scope traffic with waypoints and AuthorizationPolicy instead.',
  },
  'IBS-PROXY-NEWER-THAN-CONTROL-PLANE': {
    title: 'Data-plane proxies newer than their control plane',
    meaning:
      'Proxies run a newer Istio minor than the istiod revision that configures them. The control plane may be one minor ahead of its proxies, never behind: newer proxies can reject or misread the configuration.',
    fix: 'Upgrade the control plane first (or move the namespace to a newer revision), then restart the workloads; check `sidecar.istio.io/proxyImage` overrides.',
  },
  'IBS-NAMESPACE-MULTIPLE-INJECTION-LABELS': {
    title: 'Namespace with several injection labels',
    meaning:
      'The namespace has both `istio-injection` and `istio.io/rev`; `istio-injection` wins, so the revision label is ignored and canary upgrades do not move the namespace (cf. istioctl IST0123).',
    fix: 'Keep one label: `istio.io/rev=<revision>` for revision-based installs, otherwise `istio-injection=enabled`.',
  },
} as const satisfies Record<IstioDiagnosticCode, DiagnosticCodeInfo>;

/** A code from {@link DIAGNOSTIC_CODES}. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
