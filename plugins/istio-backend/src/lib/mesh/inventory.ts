import type {
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1Namespace,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import type { IstioSourceError } from '@istio-backstage/plugin-istio-common';
import type { RevisionTag } from './revisions';

/** An Istio custom object as read from the cluster. */
export interface IstioObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
}

/**
 * Everything read from one cluster to describe its mesh. A field is `undefined` when
 * its read failed (the reason is in `errors`); an empty list means the read succeeded
 * and found nothing. `istioOperators` is `'crd-absent'` when the API answered 404 for
 * the IstioOperator CRD (normal on Istio ≥ 1.21).
 */
export interface MeshInventory {
  kubernetesVersion?: string;
  namespaces?: V1Namespace[];
  pods?: V1Pod[];
  services?: V1Service[];
  deployments?: V1Deployment[];
  daemonSets?: V1DaemonSet[];
  /** ConfigMaps named istio*, istio-sidecar-injector* and kiali, in any namespace. */
  configMaps?: V1ConfigMap[];
  sidecars?: IstioObject[];
  telemetries?: IstioObject[];
  istioOperators?: IstioObject[] | 'crd-absent';
  /** Revision tags (MutatingWebhookConfigurations labelled `istio.io/tag`). */
  revisionTags?: RevisionTag[];
  /** Whether Envoy / istiod series exist in the cluster's Prometheus; undefined when not configured or unreadable. */
  prometheus?: { envoySeries: boolean; istiodSeries: boolean };
  prometheusConfigured: boolean;
  errors: IstioSourceError[];
}
