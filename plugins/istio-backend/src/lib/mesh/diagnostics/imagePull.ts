import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import {
  describeObject,
  makeDiagnostic,
  plural,
  yamlDocs,
  type DiagnosticRule,
  type ObjectRef,
} from './diagnostic';
import { podRef } from './k8s';
import { parseImage } from './versions';

/** Containers whose images come from the Istio hub (istiod, proxies, init, CNI). */
export const ISTIO_CONTAINERS = [
  'istio-proxy',
  'istio-init',
  'istio-validation',
  'discovery',
  'install-cni',
];

const PULL_FAILURES = ['ErrImagePull', 'ImagePullBackOff'];

/** Init and regular container statuses, without copying them into a new list per pod. */
function* statuses(pod: V1Pod): Generator<V1ContainerStatus> {
  yield* pod.status?.initContainerStatuses ?? [];
  yield* pod.status?.containerStatuses ?? [];
}

/** The image a container was asked to run (spec wins: status may show a resolved name). */
function specImage(pod: V1Pod, container: string): string | undefined {
  const named = (c: { name: string }) => c.name === container;
  return (
    pod.spec?.initContainers?.find(named) ?? pod.spec?.containers?.find(named)
  )?.image;
}

/**
 * Istio images that cannot be pulled (typically docker.io unreachable or rate-limited). One
 * diagnostic per failing image, naming the first pod, with the `hub` fix.
 */
export const imagePullFailures: DiagnosticRule = (inventory, _mesh) => {
  if (!inventory.pods) return [];
  const { failing, workingHubs } = pullStates(inventory.pods);
  return [...failing.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([image, failure]) =>
      pullFailureDiagnostic(image, failure, workingHubs),
    );
};

/** The pods failing to pull one image. */
interface PullFailure {
  pods: ObjectRef[];
  reasons: Set<string>;
  container: string;
}

/** Istio images that fail to pull (by image), and the hubs Istio images did start from. */
function pullStates(pods: readonly V1Pod[]): {
  failing: Map<string, PullFailure>;
  workingHubs: Set<string>;
} {
  const failing = new Map<string, PullFailure>();
  const workingHubs = new Set<string>();
  for (const pod of pods) {
    for (const status of statuses(pod)) {
      if (!ISTIO_CONTAINERS.includes(status.name)) continue;
      const image = specImage(pod, status.name) ?? status.image;
      const reason = status.state?.waiting?.reason;
      if (reason && PULL_FAILURES.includes(reason)) {
        const entry = failing.get(image) ?? {
          pods: [],
          reasons: new Set<string>(),
          container: status.name,
        };
        entry.pods.push(podRef(pod));
        entry.reasons.add(reason);
        failing.set(image, entry);
      } else if (status.state?.running || status.state?.terminated) {
        // An Istio image that did start proves its hub is reachable.
        const hub = parseImage(image).hub;
        if (hub) workingHubs.add(hub);
      }
    }
  }
  return { failing, workingHubs };
}

/** One diagnostic per failing image, naming its first pod, with the `hub` fix. */
function pullFailureDiagnostic(
  image: string,
  failure: PullFailure,
  workingHubs: ReadonlySet<string>,
): IstioDiagnostic {
  const pods = [...failure.pods].sort((a, b) =>
    describeObject(a).localeCompare(describeObject(b)),
  );
  const object = pods[0];
  const parsed = parseImage(image);
  const hub = parsed.hub ?? 'docker.io';
  const reachable = [...workingHubs].find(h => h !== hub);
  const others =
    pods.length > 1 ? ` and ${plural(pods.length - 1, 'other pod')}` : '';
  return makeDiagnostic('IBS-IMAGE-PULL-FAILED', {
    object,
    message: `Image ${image} cannot be pulled (${[...failure.reasons]
      .sort()
      .join(', ')}): container ${failure.container} of ${describeObject(
      object,
    )}${others}.`,
    fix: {
      text: `Pull Istio images from a registry the nodes can reach: set the hub (IstioOperator spec.hub, Helm global.hub) to a mirror of ${hub}${
        reachable
          ? ` such as ${reachable}, from which other Istio images run fine`
          : ''
      }, keeping tag ${
        parsed.tag ?? '(unchanged)'
      } — and check that this tag exists there. Then restart the failing pods.`,
      yaml: hubYaml(reachable ?? 'example.com/istio', parsed.tag),
    },
  });
}

/** The hub (and unchanged tag) for `istioctl install -f` and for the Helm charts. */
function hubYaml(hub: string, tag: string | undefined): string {
  const release = { hub, ...(tag ? { tag } : {}) };
  return yamlDocs(
    {
      comment: 'istioctl install -f (pull Istio images from another hub)',
      value: {
        apiVersion: 'install.istio.io/v1alpha1',
        kind: 'IstioOperator',
        spec: release,
      },
    },
    {
      comment: 'Helm values (istiod, gateway and cni charts)',
      value: { global: release },
    },
  );
}
