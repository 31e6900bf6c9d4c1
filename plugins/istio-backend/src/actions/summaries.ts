import type {
  IstioEntityMeshResponse,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';

/**
 * An entity's mesh in a few fields a tool or an agent can act on, from the answer its
 * Service Mesh tab gets: its pods and their proxies, each cluster's control plane,
 * support verdict and tracing, and the diagnostics that concern the entity's
 * namespaces (chosen by their `scope`, each with its `topic`). Missing data stays
 * absent (never guessed); per-cluster failures are listed in `errors`.
 *
 * A control plane's `support` is `supported`, `check` (likely end of life — check: an
 * estimated end of life has passed), `unsupported` or `unknown`; `supportReasons` says
 * why, with the estimated date or the date of the support matrix where one applies.
 */
export function meshSummary(entityMesh: IstioEntityMeshResponse) {
  const memory = entityMesh.sidecarMemory;
  const meshes = entityMesh.meshes.flatMap(m => (m.mesh ? [m.mesh] : []));
  return {
    entityRef: memory.entityRef,
    workloads: memory.items.flatMap(item =>
      item.proxies.map(p => ({
        cluster: p.cluster,
        namespace: p.namespace,
        pod: p.pod,
        workload: p.workload,
        proxyKind: p.proxyKind,
        proxyVersion: p.proxyVersion,
        memoryNowBytes: p.memoryNowBytes,
      })),
    ),
    clusters: meshes.map(mesh => ({
      cluster: mesh.cluster,
      kubernetesVersion: mesh.kubernetesVersion,
      istioInstalled: mesh.istioInstalled,
      controlPlanes: mesh.controlPlanes.map(cp => ({
        revision: cp.revision,
        namespace: cp.namespace,
        version: cp.version,
        support: cp.support.verdict,
        supportReasons: cp.support.reasons,
      })),
      tracing: {
        enabled: mesh.tracing.enabled,
        samplingPercent: mesh.tracing.samplingPercent,
        provider: mesh.tracing.provider,
        collector: mesh.tracing.collector
          ? `${mesh.tracing.collector.host}:${mesh.tracing.collector.port}`
          : undefined,
        configuredIn: mesh.tracing.configuredIn,
      },
      diagnostics: mesh.diagnostics.map(d => ({
        code: d.code,
        severity: d.severity,
        scope: d.scope,
        topic: d.topic,
        message: d.message,
        fix: d.fix.text,
      })),
    })),
    errors: [...memory.errors, ...entityMesh.errors].map(e => ({
      cluster: e.cluster,
      errorType: e.errorType,
      message: e.message,
    })),
  };
}

/** The recommended Sidecar per cluster namespace, with every host's reasons and the saving. */
export function recommendationSummary(memory: IstioSidecarMemoryResponse) {
  return {
    entityRef: memory.entityRef,
    items: memory.items.map(item => ({
      cluster: item.cluster,
      namespace: item.namespace,
      recommended: item.recommendation !== undefined,
      scope: item.recommendation?.scope,
      yaml: item.recommendation?.yaml,
      hosts: (item.recommendation?.egress ?? []).map(h => ({
        host: h.host,
        reasons: h.reasons.map(r => r.detail),
      })),
      servicesVisibleBefore: item.recommendation?.servicesVisibleBefore,
      servicesVisibleAfter: item.recommendation?.servicesVisibleAfter,
      estimatedSavingPerPodBytes: item.estimate?.perPodBytes,
      estimatedSavingTotalBytes: item.estimate?.totalBytes,
      estimateExplanation: item.estimate?.explanation,
      warnings: item.warnings.map(w => w.message),
    })),
    errors: memory.errors.map(e => ({
      cluster: e.cluster,
      errorType: e.errorType,
      message: e.message,
    })),
  };
}
