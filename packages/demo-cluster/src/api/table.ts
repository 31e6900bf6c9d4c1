import type { KubeObject } from '../store/types';

/** Kubernetes-style age: 5s, 12m, 3h, 4d. */
export function age(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

function column(name: string, type = 'string', priority = 0, format = '') {
  return { name, type, format, description: name, priority };
}

function podCells(pod: KubeObject, now: number) {
  const status = pod.status as {
    phase?: string;
    podIP?: string;
    containerStatuses?: Array<{
      ready: boolean;
      restartCount: number;
      state?: { waiting?: { reason?: string } };
    }>;
    initContainerStatuses?: Array<{
      ready: boolean;
      restartCount: number;
      name: string;
      state?: { waiting?: { reason?: string } };
    }>;
  };
  const spec = pod.spec as {
    nodeName?: string;
    initContainers?: Array<{ name: string; restartPolicy?: string }>;
  };
  const nativeSidecars = new Set(
    (spec.initContainers ?? [])
      .filter(c => c.restartPolicy === 'Always')
      .map(c => c.name),
  );
  const running = [
    ...(status.containerStatuses ?? []),
    ...(status.initContainerStatuses ?? []).filter(s =>
      nativeSidecars.has(s.name),
    ),
  ];
  const ready = running.filter(s => s.ready).length;
  const waiting = [
    ...(status.initContainerStatuses ?? []),
    ...(status.containerStatuses ?? []),
  ].find(s => s.state?.waiting?.reason);
  const restarts = running.reduce((n, s) => n + s.restartCount, 0);
  return [
    pod.metadata.name,
    `${ready}/${running.length}`,
    waiting?.state?.waiting?.reason ?? status.phase ?? 'Unknown',
    restarts,
    age(pod.metadata.creationTimestamp, now),
    status.podIP ?? '<none>',
    spec.nodeName ?? '<none>',
  ];
}

/** The `meta.k8s.io/v1` Table kubectl asks for when it prints a list. */
export function toTable(
  kind: string,
  objects: KubeObject[],
  resourceVersion: string,
  now: number,
) {
  const isPod = kind === 'Pod';
  const columnDefinitions = isPod
    ? [
        column('Name', 'string', 0, 'name'),
        column('Ready'),
        column('Status'),
        column('Restarts', 'string'),
        column('Age'),
        column('IP', 'string', 1),
        column('Node', 'string', 1),
      ]
    : [column('Name', 'string', 0, 'name'), column('Age')];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions,
    rows: objects.map(o => ({
      cells: isPod
        ? podCells(o, now)
        : [o.metadata.name, age(o.metadata.creationTimestamp, now)],
      object: {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: { ...o.metadata, managedFields: undefined },
      },
    })),
  };
}
