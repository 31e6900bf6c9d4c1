/**
 * Annotations the Istio plugins read from catalog entities. The first four are the
 * Kubernetes plugin's own, so an entity set up for that plugin works here unchanged.
 *
 * @public
 */
export const ANNOTATIONS = {
  /** Pods labelled `backstage.io/kubernetes-id=<value>` belong to the entity. */
  kubernetesId: 'backstage.io/kubernetes-id',
  /** Namespace the entity's workloads run in. */
  kubernetesNamespace: 'backstage.io/kubernetes-namespace',
  /** A Kubernetes label selector for the entity's pods (wins over the id). */
  kubernetesLabelSelector: 'backstage.io/kubernetes-label-selector',
  /** Restricts the entity to one configured cluster. */
  kubernetesCluster: 'backstage.io/kubernetes-cluster',
  /** Kiali namespace override, as used by the Kiali plugin. */
  kialiNamespace: 'kiali.io/namespace',
  /** Jaeger service name override (default `<app>.<namespace>`). */
  jaegerService: 'jaegertracing.io/service',
} as const;
