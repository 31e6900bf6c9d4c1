import type { V1Pod } from '@kubernetes/client-node';
import { isGatewayPod, istioProxyOf } from '../mesh/parse';
import { createStringPool, slimPod } from './slimPod';

const pod: V1Pod = {
  metadata: {
    name: 'reviews-v1-abc',
    namespace: 'bookinfo',
    labels: { app: 'reviews' },
    annotations: { 'sidecar.istio.io/status': '{"revision":"default"}' },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'reviews-v1',
        uid: 'u',
      },
    ],
    managedFields: [{ manager: 'kubelet', operation: 'Update' }],
    uid: '1234',
  },
  spec: {
    containers: [
      {
        name: 'reviews',
        image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2',
        env: [{ name: 'LOG_DIR', value: '/tmp/logs' }],
        resources: { requests: { memory: '64Mi' } },
      },
    ],
    initContainers: [
      {
        name: 'istio-init',
        image: 'docker.io/istio/proxyv2:1.28.1',
        securityContext: {
          capabilities: { add: ['NET_ADMIN', 'NET_RAW'] },
          runAsUser: 0,
        },
      },
      {
        name: 'istio-proxy',
        image: 'docker.io/istio/proxyv2:1.28.1',
        args: ['proxy', 'sidecar'],
        restartPolicy: 'Always',
        env: [{ name: 'ISTIO_META_APP_CONTAINERS', value: 'reviews' }],
      },
    ],
    volumes: [{ name: 'istio-envoy', emptyDir: {} }],
    nodeName: 'node-1',
  },
  status: {
    phase: 'Running',
    initContainerStatuses: [
      {
        name: 'istio-proxy',
        image: 'docker.io/istio/proxyv2:1.28.1',
        imageID: 'sha256:1',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: new Date(0) } },
      },
    ],
    conditions: [{ type: 'Ready', status: 'True' }],
  },
};

describe('slimPod', () => {
  it('keeps what the mesh analysis reads and drops the rest', () => {
    const slim = slimPod(pod);
    expect(slim).toEqual({
      metadata: {
        name: 'reviews-v1-abc',
        namespace: 'bookinfo',
        labels: { app: 'reviews' },
        annotations: { 'sidecar.istio.io/status': '{"revision":"default"}' },
      },
      spec: {
        containers: [
          {
            name: 'reviews',
            image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2',
          },
        ],
        initContainers: [
          {
            name: 'istio-init',
            image: 'docker.io/istio/proxyv2:1.28.1',
            securityContext: {
              capabilities: { add: ['NET_ADMIN', 'NET_RAW'] },
            },
          },
          {
            name: 'istio-proxy',
            image: 'docker.io/istio/proxyv2:1.28.1',
            args: ['proxy', 'sidecar'],
            restartPolicy: 'Always',
          },
        ],
      },
      status: {
        phase: 'Running',
        initContainerStatuses: [
          // Without the start time: only that it runs.
          { ...pod.status!.initContainerStatuses![0], state: { running: {} } },
        ],
      },
    });
    expect(istioProxyOf(slim)).toEqual({
      container: slim.spec!.initContainers![1],
      native: true,
    });
    expect(isGatewayPod(slim)).toBe(false);
  });

  it('keeps why a container waits or ended, without timestamps or messages', () => {
    const waiting = slimPod({
      status: {
        containerStatuses: [
          {
            name: 'istio-proxy',
            image: 'docker.io/istio/proxyv2:1.28.1',
            imageID: '',
            ready: false,
            restartCount: 3,
            state: {
              waiting: { reason: 'ImagePullBackOff', message: 'long text' },
              terminated: {
                exitCode: 1,
                reason: 'Error',
                finishedAt: new Date(0),
              },
            },
          },
        ],
      },
    });
    expect(waiting.status!.containerStatuses![0].state).toEqual({
      waiting: { reason: 'ImagePullBackOff' },
      terminated: { exitCode: 1, reason: 'Error' },
    });
  });

  it('gives the same pod with a string pool as without one', () => {
    // The pool only shares equal strings between pods (a memory saving that the
    // heap shows, not the values): the pods read the same through it.
    const intern = createStringPool();
    expect(slimPod(pod, intern)).toEqual(slimPod(pod));
    expect(slimPod(pod, intern)).toEqual(slimPod(pod));
  });
});
