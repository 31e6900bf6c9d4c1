import {
  createTranslationRef,
  type TranslationFunction,
} from '@backstage/core-plugin-api/alpha';

/**
 * The plugin's English messages, grouped by the component that shows them. Values in
 * `{{…}}` are filled in; keys ending in `_one` / `_other` are plural forms chosen by
 * `count`.
 */
export const istioMessages = {
  values: {
    yes: 'yes',
    no: 'no',
    unknown: 'unknown',
    none: 'none',
  },
  clusterError: {
    title: 'Cluster {{cluster}} could not be read',
    message: '{{error}}.',
    messageOthersShown: '{{error}}. The other clusters are shown.',
  },
  unusableClusters: {
    line: 'Cluster {{name}} is not used: {{reason}} ({{source}})',
  },
  meshStatus: {
    podsInMesh_one: '{{inMesh}} of {{count}} pod in the mesh: {{modes}}',
    podsInMesh_other: '{{inMesh}} of {{count}} pods in the mesh: {{modes}}',
    mode: {
      sidecar: '{{pods}} sidecar',
      ambient: '{{pods}} ambient',
      gateway: '{{pods}} gateway',
      none: '{{pods}} not in mesh',
    },
    unknownIn: 'unknown in {{where}} ({{reason}})',
    support: '{{subject}}: {{verdict}}',
    supportAsOf: '{{subject}}: {{verdict}} (support matrix as of {{date}})',
    subject: 'Istio {{istio}} on Kubernetes {{kubernetes}}',
    endOfLifeEstimate: 'end of life expected around {{date}}',
    verdict: {
      supported: 'supported',
      supportedEstimate: 'supported — {{estimate}}',
      check: 'likely end of life — check',
      checkDetail: 'likely end of life — check: {{detail}}',
      unsupported: 'unsupported',
      unsupportedReasons: 'unsupported — {{reasons}}',
      unknown: 'unknown',
      unknownReasons: 'unknown — {{reasons}}',
    },
  },
  entityCard: {
    title: 'Service Mesh',
    openTab: 'Open the Service Mesh tab',
    noPods: 'no pods found in any configured cluster',
    inClusters_one: '{{status}} — cluster {{clusters}}',
    inClusters_other: '{{status}} — clusters {{clusters}}',
    fields: {
      meshStatus: 'Mesh status',
      proxyMemory: 'istio-proxy memory now',
      estimatedSaving: 'Estimated saving',
      measuredSaving: 'Measured saving',
    },
  },
  entityContent: {
    workloadsTitle: 'Workloads in the mesh',
    anyNamespace: 'any namespace',
    resultUnknown: 'unknown (see the errors above)',
    noPods: 'no pods found in any configured cluster',
    fields: {
      podSelector: 'Pod selector',
      namespace: 'Namespace',
      result: 'Result',
    },
  },
  meshStatusCard: {
    title: 'Mesh status',
    supportUnknown: 'unknown (control plane not read)',
    controlPlane: '{{revision}} ({{namespace}}, {{version}})',
    versionUnknown: 'version unknown',
    noPods: 'no pods',
    proxyKind: {
      sidecar: 'sidecar',
      nativeSidecar: 'sidecar (native)',
      gateway: 'gateway proxy',
      ambient: 'ambient',
      none: 'not in mesh',
    },
    fields: {
      cluster: 'Cluster',
      namespace: 'Namespace',
      pods: 'Pods',
      dataPlane: 'Data plane',
      proxyVersions: 'Proxy versions',
      controlPlane: 'Control plane',
      support: 'Support',
    },
  },
  tracingCard: {
    title: 'Tracing',
    openTraces: 'Open traces',
    tracesOf: 'Traces of {{service}}',
    sampling: '{{percent}} % of requests',
    collector: '{{host}}:{{port}} ({{exists}})',
    collectorExists: 'service and port exist',
    noJaegerUrl:
      'No Jaeger URL is configured for this cluster (istio.clusters[].jaeger.url), so there is no link to the traces.',
    fields: {
      enabled: 'Enabled',
      sampling: 'Sampling',
      configuredIn: 'Configured in',
      provider: 'Provider',
      collector: 'Collector',
      jaegerService: 'Jaeger service',
    },
  },
  linksCard: {
    title: 'Kiali, Grafana and Jaeger',
    missing: '{{tool}}: set {{key}}',
    links: {
      kialiApp: 'Kiali: application',
      kialiWorkload: 'Kiali: workload',
      kialiService: 'Kiali: service',
      kialiGraph: 'Kiali: namespace graph',
      grafanaService: 'Grafana: Istio service dashboard',
      grafanaWorkload: 'Grafana: Istio workload dashboard',
      jaegerTraces: 'Jaeger: traces',
    },
  },
  memoryChart: {
    now: 'now',
    withSidecarEstimate: 'with Sidecar (estimate)',
    legendNow: 'istio-proxy memory now',
    legendWithSidecar: 'with the recommended Sidecar (estimate)',
    podSummary: 'istio-proxy memory per pod. {{rows}}.',
    podSummaryUnread:
      'istio-proxy memory per pod. {{rows}}; {{unread}} of {{total}} pods have no reading.',
    averageRow: 'Per pod (average)',
    before: 'before',
    after: 'after',
    legendBefore: 'before the Sidecar',
    legendAfter: 'after (measured)',
    measuredSummary:
      'istio-proxy memory before and after the Sidecar. {{row}}: a measured saving of {{saving}} per pod.',
  },
  sidecarScopingCard: {
    title: 'Sidecar scoping — {{cluster}}/{{namespace}}',
    tableTitle: 'istio-proxy memory per pod',
    memoryUnknown:
      'Current memory is unknown (metrics.k8s.io could not be read).',
    recommendedTitle: 'Recommended Sidecar ({{scope}})',
    scope: {
      namespace: 'whole namespace',
      entity: "this entity's pods",
      workload: 'per workload',
    },
    servicesVisible:
      'Services visible to each proxy: {{before}} now → {{after}} after (Envoy clusters {{clustersBefore}} → {{clustersAfter}}).',
    countUnknown: '?',
    estimatedSaving:
      'Estimated saving: {{perPod}} per pod, {{total}} in total ({{method}}, confidence {{confidence}}). {{explanation}}',
    method: {
      fitted: 'fitted',
      defaultPerCluster: 'default-per-cluster',
      unknown: 'unknown',
    },
    confidence: {
      high: 'high',
      medium: 'medium',
      low: 'low',
    },
    downloadYaml: 'Download YAML',
    noRecommendation:
      'No Sidecar is recommended here (see the warnings above).',
    applied: 'Applied by {{user}} on {{date}}: {{before}} per pod before',
    afterNotMeasured: '{{applied}}; after not measured yet: {{reason}}.',
    noSavingClaimed: '{{applied}}; no saving is claimed: {{reason}}.',
    measuredSaving:
      '{{applied}}, {{after}} measured after, a measured saving of {{saving}} per pod.',
    measuredSavingAt:
      '{{applied}}, {{after}} measured after, a measured saving of {{saving}} per pod (measured {{date}}).',
    columns: {
      pod: 'Pod',
      proxy: 'Proxy',
      memoryNow: 'Memory now',
      peak: 'Peak (window)',
      envoyAllocated: 'Envoy allocated',
      envoyClusters: 'Envoy clusters',
    },
  },
  applySidecar: {
    button: 'Apply Sidecar…',
    dialogTitle: 'Apply the recommended Sidecar to {{cluster}}/{{namespace}}',
    apply: 'Apply',
    cancel: 'Cancel',
    close: 'Close',
    changesLabel: 'Sidecar changes',
    change: 'Sidecar {{name}} {{action}}',
    action: {
      created: 'will be created',
      configured: 'will change its egress hosts',
      unchanged: 'is already as recommended',
    },
    hostsNow: 'Hosts now: {{hosts}}',
    hostsAfter: 'Hosts after: {{hosts}}',
    checking: 'Asking the cluster for a dry run…',
    dryRunFailed: 'The dry run failed, nothing was changed',
    dryRunAccepted:
      'Dry run accepted by the cluster (admission webhooks included). Nothing has been changed yet.',
    staleTitle:
      'Nothing was written: what would be written changed since you reviewed it',
    staleBody:
      'Traffic, Sidecars or pods changed since the dry run. Below is what would be written now; review it and click Apply again to apply it.',
    applied:
      'Applied. Proxies pick up the new configuration within seconds; the measured saving appears once their memory settles.',
    notApplied: 'Not applied',
    notAllowed: 'Not applied: not allowed',
    conflict: 'Not applied: conflict',
  },
  diagnostics: {
    cardTitle: 'Diagnostics',
    noneForEntity: 'No diagnostics concern this entity.',
    noMatch: 'No diagnostics match the filters.',
    severity: {
      error: 'Error',
      warning: 'Warning',
      info: 'Info',
    },
    count: {
      error_one: '{{count}} error',
      error_other: '{{count}} errors',
      warning_one: '{{count}} warning',
      warning_other: '{{count}} warnings',
      info_one: '{{count}} info',
      info_other: '{{count}} info',
    },
    countNone: 'none',
    meshWide: 'mesh-wide',
    object: '{{kind}} {{name}}',
    affectedKind_one: '{{count}} {{kind}}',
    affectedKind_other: '{{count}} {{kind}}',
    affectedObjects_one: '{{count}} object',
    affectedObjects_other: '{{count}} objects',
    previewMore_one: '{{names}} and {{count}} more',
    previewMore_other: '{{names}} and {{count}} more',
    affectedObjectsLabel: 'Affected objects',
    showFix: 'Show fix',
    hideFix: 'Hide fix',
    pageRange: '{{from}}-{{to}} of {{total}}',
    previousPage: 'Previous page',
    nextPage: 'Next page',
    filters: {
      label: 'Filter diagnostics',
      severity: '{{severity}} ({{total}})',
      namespace: 'Namespace',
      allNamespaces: 'All namespaces',
      search: 'Search',
      searchPlaceholder: 'Code, title, object or message',
      searchLabel: 'Search diagnostics',
    },
  },
  meshPage: {
    title: 'Service Mesh',
    subtitle:
      'The Istio installation of every configured cluster, with its diagnostics',
    diagnosticsTitle: 'Diagnostics — {{cluster}}',
    noDiagnostics:
      'No diagnostics: nothing wrong was found in the parts that could be read.',
    noClustersTitle: 'No clusters configured',
    noClustersDescription:
      'The Istio backend reads the clusters of the Kubernetes plugin (kubernetes.clusterLocatorMethods); none is configured.',
    noUsableClustersTitle: 'No usable clusters',
    noUsableClustersDescription:
      'Every configured cluster is listed above with the reason it is not used.',
    clustersErrorTitle: 'The configured clusters could not be read',
    clustersErrorMessage:
      '{{error}}. Tool links are unknown; the meshes are shown.',
  },
  clusterMeshCard: {
    subheader: 'cluster {{cluster}}, read at {{readAt}}',
    partialErrorTitle: 'Part of cluster {{cluster}} could not be read',
    partialErrorMessage:
      '{{errors}}. What depends on these sources says unknown.',
    showDetails: 'Show all details',
    hideDetails: 'Hide all details',
    noneFound: 'none found',
    supportUnknown: 'unknown (no control plane found)',
    tracing: 'enabled: {{enabled}}; configured in {{configuredIn}}',
    noneConfigured: 'none configured',
    noKiali: 'no Kiali',
    toolLinksError:
      'unknown (the configured clusters could not be read: {{error}})',
    toolLinksNotConfigured: 'unknown (not in the configured clusters)',
    toolNotConfigured:
      '{{tool}}: not configured (istio.clusters[].{{key}}.url)',
    prometheusConfigured: 'Prometheus: configured (queried by the backend)',
    prometheusNotConfigured:
      'Prometheus: not configured (istio.clusters[].prometheus.url)',
    fields: {
      controlPlanes: 'Control planes',
      support: 'Support',
      kubernetesVersion: 'Kubernetes version',
      istioInstalled: 'Istio installed',
      meshSize: 'Mesh size',
      components: 'Components',
      dataPlane: 'Data plane',
      cni: 'CNI',
      tracing: 'Tracing',
      sampling: 'Sampling',
      tracingProvider: 'Tracing provider',
      collector: 'Collector',
      gateways: 'Gateways',
      outboundTrafficPolicy: 'Outbound traffic policy',
      prometheus: 'Prometheus',
      kialiExternalServices: 'Kiali external services',
      toolLinks: 'Tool links',
    },
  },
  clusterPicker: {
    label: 'Cluster',
    none: 'None',
    loading: 'Loading the clusters configured in Backstage…',
    loadFailed: 'Could not load the clusters: {{error}}',
    noUsableCluster: 'No usable cluster is configured in Backstage',
    notConfigured: 'not a cluster configured in Backstage',
    notUsable: 'Not usable: {{reason}}',
    validation: {
      checkFailed: 'Could not check cluster {{cluster}}: {{error}}',
      unusable: 'Cluster {{cluster}} cannot be used: {{reason}}',
      notConfigured: '{{cluster}} is not a cluster configured in Backstage',
    },
  },
} as const;

/**
 * The Istio plugin's messages, for apps that translate the plugin or reword it: every
 * text its cards, mesh page and scaffolder field show, keyed by component (for example
 * `meshStatusCard.title` or `diagnostics.severity.error`).
 *
 * @alpha
 */
export const istioTranslationRef = createTranslationRef({
  id: 'istio',
  messages: istioMessages,
});

/** The plugin's translation function, for helpers that put words to what components show. */
export type IstioTranslation = TranslationFunction<
  typeof istioTranslationRef.T
>;
