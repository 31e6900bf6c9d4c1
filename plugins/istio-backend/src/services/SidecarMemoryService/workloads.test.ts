import type { V1Pod } from '@kubernetes/client-node';
import { toWorkloads } from './workloads';

const pod = (name: string, labels: Record<string, string>): V1Pod => ({
  metadata: {
    name,
    namespace: 'istio-demo',
    labels: { ...labels, 'pod-template-hash': '7d9c8f6b5' },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'reviews-v1-7d9c8f6b5',
        uid: 'u',
        controller: true,
      },
    ],
  },
});

describe('toWorkloads', () => {
  it("groups a Deployment's pods, without the per-rollout hash", () => {
    const [w] = toWorkloads([
      pod('reviews-v1-7d9c8f6b5-a', { app: 'reviews' }),
      pod('reviews-v1-7d9c8f6b5-b', { app: 'reviews' }),
    ]);
    expect(w).toMatchObject({
      name: 'reviews-v1',
      labels: { app: 'reviews' },
      pods: ['reviews-v1-7d9c8f6b5-a', 'reviews-v1-7d9c8f6b5-b'],
    });
    expect(w.podLabels).toBeUndefined();
  });

  it("keeps each pod's labels when they differ, so selectors can be checked against every pod", () => {
    const [w] = toWorkloads([
      pod('reviews-v1-7d9c8f6b5-a', { app: 'reviews' }),
      pod('reviews-v1-7d9c8f6b5-b', { app: 'reviews', extra: 'yes' }),
    ]);
    expect(w.podLabels).toEqual([
      { app: 'reviews' },
      { app: 'reviews', extra: 'yes' },
    ]);
  });
});
