import type {
  V1Container,
  V1ContainerState,
  V1ContainerStatus,
  V1Pod,
} from '@kubernetes/client-node';
import { memoizeByString } from '../memoizeByString';

/** Returns one copy of each distinct string it is given. */
type Intern = <T extends string | undefined>(value: T) => T;

/** A pool for {@link slimPod}: strings repeated across pods are kept once. */
export function createStringPool(): Intern {
  // Unbounded on purpose: one pool serves one list read and is dropped with it.
  const keep = memoizeByString((value: string) => value, Infinity);
  return <T extends string | undefined>(value: T): T =>
    value === undefined ? value : (keep(value) as T);
}

const keepAsIs: Intern = value => value;

const internRecord = (record: Record<string, string>, intern: Intern) => {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(record))
    copy[intern(key)] = intern(value);
  return copy;
};

const slimContainer = (c: V1Container, intern: Intern): V1Container => ({
  name: intern(c.name),
  ...(c.image ? { image: intern(c.image) } : {}),
  ...(c.args ? { args: c.args.map(intern) } : {}),
  ...(c.restartPolicy ? { restartPolicy: intern(c.restartPolicy) } : {}),
  ...(c.securityContext?.capabilities
    ? { securityContext: { capabilities: c.securityContext.capabilities } }
    : {}),
});

/** Which state a container is in and why; no timestamps or messages. */
const slimState = (
  state: V1ContainerState,
  intern: Intern,
): V1ContainerState => ({
  ...(state.waiting
    ? { waiting: { reason: intern(state.waiting.reason) } }
    : {}),
  ...(state.running ? { running: {} } : {}),
  ...(state.terminated
    ? {
        terminated: {
          exitCode: state.terminated.exitCode,
          reason: intern(state.terminated.reason),
        },
      }
    : {}),
});

const slimStatus = (
  s: V1ContainerStatus,
  intern: Intern,
): V1ContainerStatus => ({
  name: intern(s.name),
  image: intern(s.image),
  imageID: intern(s.imageID),
  ready: s.ready,
  restartCount: s.restartCount,
  ...(s.state ? { state: slimState(s.state, intern) } : {}),
});

/**
 * The part of a pod the mesh analysis reads: name, namespace, labels and annotations,
 * each container's name, image, args, restart policy and capabilities, and the state
 * each container is in. Env, volumes, resources, owners, timestamps and managedFields
 * are dropped, and with a {@link createStringPool} the strings repeated across pods
 * (labels, images, the sidecar status annotation) are kept once — so the pods of a
 * 10,000-pod cluster fit in a fraction of the memory of the full objects.
 */
export function slimPod(pod: V1Pod, intern: Intern = keepAsIs): V1Pod {
  const m = pod.metadata ?? {};
  const containers = (list: V1Container[]) =>
    list.map(c => slimContainer(c, intern));
  const statuses = (list: V1ContainerStatus[]) =>
    list.map(s => slimStatus(s, intern));
  return {
    metadata: {
      name: m.name,
      namespace: intern(m.namespace),
      ...(m.labels ? { labels: internRecord(m.labels, intern) } : {}),
      ...(m.annotations
        ? { annotations: internRecord(m.annotations, intern) }
        : {}),
    },
    spec: {
      containers: containers(pod.spec?.containers ?? []),
      ...(pod.spec?.initContainers
        ? { initContainers: containers(pod.spec.initContainers) }
        : {}),
    },
    ...(pod.status
      ? {
          status: {
            phase: intern(pod.status.phase),
            ...(pod.status.containerStatuses
              ? { containerStatuses: statuses(pod.status.containerStatuses) }
              : {}),
            ...(pod.status.initContainerStatuses
              ? {
                  initContainerStatuses: statuses(
                    pod.status.initContainerStatuses,
                  ),
                }
              : {}),
          },
        }
      : {}),
  };
}
