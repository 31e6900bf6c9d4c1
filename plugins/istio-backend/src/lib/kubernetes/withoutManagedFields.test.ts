import { withoutManagedFields } from './withoutManagedFields';

describe('withoutManagedFields', () => {
  it('drops metadata.managedFields and keeps everything else', () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'reviews',
        namespace: 'bookinfo',
        labels: { app: 'reviews' },
        managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
      },
      spec: { ports: [{ port: 9080 }] },
    };
    expect(withoutManagedFields(service)).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'reviews',
        namespace: 'bookinfo',
        labels: { app: 'reviews' },
      },
      spec: { ports: [{ port: 9080 }] },
    });
    // The listed object itself is left as it was.
    expect(service.metadata.managedFields).toHaveLength(1);
  });

  it('returns an object without managedFields as it is', () => {
    const pod = { metadata: { name: 'p' } };
    expect(withoutManagedFields(pod)).toBe(pod);
  });
});
