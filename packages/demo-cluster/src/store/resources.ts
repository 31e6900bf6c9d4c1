/** A resource type the simulated API server serves. */
export interface ResourceType {
  group: string; // '' for the core group
  versions: string[]; // served versions, preferred first
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Kinds Backstage may write (server-side apply, create, delete). */
  writable?: boolean;
  /** Present only when the scenario installs it (e.g. the IstioOperator CRD). */
  optional?: 'istioOperatorCrd';
}

const ISTIO_NETWORKING = ['v1', 'v1beta1', 'v1alpha3'];

/** Every resource type the simulator knows; which are served depends on the scenario. */
export const RESOURCE_TYPES: ResourceType[] = [
  {
    group: '',
    versions: ['v1'],
    kind: 'Namespace',
    plural: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    writable: true,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    namespaced: true,
    shortNames: ['po'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    namespaced: true,
    shortNames: ['svc'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Endpoints',
    plural: 'endpoints',
    singular: 'endpoints',
    namespaced: true,
    shortNames: ['ep'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'ConfigMap',
    plural: 'configmaps',
    singular: 'configmap',
    namespaced: true,
    shortNames: ['cm'],
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'Deployment',
    plural: 'deployments',
    singular: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
  },
  // What the Backstage Kubernetes plugin lists for an entity besides pods and services.
  {
    group: '',
    versions: ['v1'],
    kind: 'ResourceQuota',
    plural: 'resourcequotas',
    singular: 'resourcequota',
    namespaced: true,
    shortNames: ['quota'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'LimitRange',
    plural: 'limitranges',
    singular: 'limitrange',
    namespaced: true,
    shortNames: ['limits'],
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'ReplicaSet',
    plural: 'replicasets',
    singular: 'replicaset',
    namespaced: true,
    shortNames: ['rs'],
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'StatefulSet',
    plural: 'statefulsets',
    singular: 'statefulset',
    namespaced: true,
    shortNames: ['sts'],
  },
  {
    group: 'autoscaling',
    versions: ['v2'],
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    namespaced: true,
    shortNames: ['hpa'],
  },
  {
    group: 'batch',
    versions: ['v1'],
    kind: 'Job',
    plural: 'jobs',
    singular: 'job',
    namespaced: true,
  },
  {
    group: 'batch',
    versions: ['v1'],
    kind: 'CronJob',
    plural: 'cronjobs',
    singular: 'cronjob',
    namespaced: true,
    shortNames: ['cj'],
  },
  {
    group: 'networking.k8s.io',
    versions: ['v1'],
    kind: 'Ingress',
    plural: 'ingresses',
    singular: 'ingress',
    namespaced: true,
    shortNames: ['ing'],
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'DaemonSet',
    plural: 'daemonsets',
    singular: 'daemonset',
    namespaced: true,
    shortNames: ['ds'],
  },
  // Istio's injection webhooks (`istio-sidecar-injector[-<rev>]`, `istio-revision-tag-<tag>`):
  // how tools find a cluster's revisions and tags. Cluster-scoped.
  {
    group: 'admissionregistration.k8s.io',
    versions: ['v1'],
    kind: 'MutatingWebhookConfiguration',
    plural: 'mutatingwebhookconfigurations',
    singular: 'mutatingwebhookconfiguration',
    namespaced: false,
  },
  {
    group: 'networking.istio.io',
    versions: ISTIO_NETWORKING,
    kind: 'Sidecar',
    plural: 'sidecars',
    singular: 'sidecar',
    namespaced: true,
    writable: true,
  },
  {
    group: 'networking.istio.io',
    versions: ISTIO_NETWORKING,
    kind: 'ServiceEntry',
    plural: 'serviceentries',
    singular: 'serviceentry',
    namespaced: true,
    shortNames: ['se'],
  },
  {
    group: 'networking.istio.io',
    versions: ISTIO_NETWORKING,
    kind: 'VirtualService',
    plural: 'virtualservices',
    singular: 'virtualservice',
    namespaced: true,
    shortNames: ['vs'],
  },
  {
    group: 'networking.istio.io',
    versions: ISTIO_NETWORKING,
    kind: 'DestinationRule',
    plural: 'destinationrules',
    singular: 'destinationrule',
    namespaced: true,
    shortNames: ['dr'],
  },
  {
    group: 'networking.istio.io',
    versions: ISTIO_NETWORKING,
    kind: 'Gateway',
    plural: 'gateways',
    singular: 'gateway',
    namespaced: true,
    shortNames: ['gw'],
  },
  {
    group: 'telemetry.istio.io',
    versions: ['v1', 'v1alpha1'],
    kind: 'Telemetry',
    plural: 'telemetries',
    singular: 'telemetry',
    namespaced: true,
    shortNames: ['telemetry'],
    writable: true,
  },
  {
    group: 'security.istio.io',
    versions: ['v1', 'v1beta1'],
    kind: 'PeerAuthentication',
    plural: 'peerauthentications',
    singular: 'peerauthentication',
    namespaced: true,
    shortNames: ['pa'],
    writable: true,
  },
  {
    group: 'install.istio.io',
    versions: ['v1alpha1'],
    kind: 'IstioOperator',
    plural: 'istiooperators',
    singular: 'istiooperator',
    namespaced: true,
    shortNames: ['iop', 'io'],
    optional: 'istioOperatorCrd',
  },
];

/** The group/version string of an API version, e.g. `apps/v1` or `v1`. */
export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
