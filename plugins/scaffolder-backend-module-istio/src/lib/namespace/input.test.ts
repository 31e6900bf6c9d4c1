import { validateMeshNamespaceInput } from './input';

const base = { cluster: 'demo', namespace: 'payments' };

describe('validateMeshNamespaceInput', () => {
  it('fills in the defaults', () => {
    expect(validateMeshNamespaceInput(base)).toEqual({
      cluster: 'demo',
      namespace: 'payments',
      dataPlaneMode: 'sidecar',
      defaultSidecar: true,
      controlPlaneNamespace: 'istio-system',
      extraEgressHosts: [],
      allowWeakerMtls: false,
    });
  });

  it('keeps every option given, with the owner as a full entity ref', () => {
    expect(
      validateMeshNamespaceInput({
        ...base,
        owner: 'team-a',
        revision: '1-28-1',
        tracingSampling: 0,
        mtls: 'PERMISSIVE',
        defaultSidecar: false,
        controlPlaneNamespace: 'istio-cp',
        extraEgressHosts: [
          'observability/*',
          'observability/*',
          '*/api.example.com',
        ],
        allowWeakerMtls: true,
      }),
    ).toEqual({
      cluster: 'demo',
      namespace: 'payments',
      owner: 'group:default/team-a',
      dataPlaneMode: 'sidecar',
      revision: '1-28-1',
      tracingSampling: 0,
      mtls: 'PERMISSIVE',
      defaultSidecar: false,
      controlPlaneNamespace: 'istio-cp',
      extraEgressHosts: ['observability/*', '*/api.example.com'],
      allowWeakerMtls: true,
    });
  });

  it.each([
    [
      'an upper-case namespace',
      { namespace: 'Payments' },
      /namespace 'Payments' is not a valid name/,
    ],
    [
      'a namespace with an underscore',
      { namespace: 'pay_ments' },
      /not a valid name/,
    ],
    [
      'a namespace ending with -',
      { namespace: 'payments-' },
      /not a valid name/,
    ],
    [
      'a 64 character namespace',
      { namespace: 'a'.repeat(64) },
      /not a valid name/,
    ],
    ['an empty namespace', { namespace: '' }, /not a valid name/],
    ['a namespace that is not a string', { namespace: 42 }, /not a valid name/],
    [
      'a reserved kube- namespace',
      { namespace: 'kube-mesh' },
      /'kube-' is reserved/,
    ],
    [
      'a URL as cluster',
      { cluster: 'https://evil.example.com' },
      /configured cluster/,
    ],
    ['a path as cluster', { cluster: '../demo' }, /configured cluster/],
    [
      'an unknown data-plane mode',
      { dataPlaneMode: 'proxyless' },
      /dataPlaneMode must be one of sidecar, ambient/,
    ],
    [
      'a revision with ambient',
      { dataPlaneMode: 'ambient', revision: 'canary' },
      /cannot be combined with ambient/,
    ],
    [
      'a revision that is not a label value',
      { revision: 'canary/1' },
      /revision must be a valid label value/,
    ],
    ['sampling above 100', { tracingSampling: 101 }, /0 to 100/],
    ['negative sampling', { tracingSampling: -1 }, /0 to 100/],
    ['sampling as text', { tracingSampling: '10' }, /0 to 100/],
    ['sampling NaN', { tracingSampling: NaN }, /0 to 100/],
    [
      'an unknown mTLS mode',
      { mtls: 'DISABLE' },
      /mtls must be one of STRICT, PERMISSIVE/,
    ],
    ['a lower-case mTLS mode', { mtls: 'strict' }, /mtls must be one of/],
    [
      'a non-boolean defaultSidecar',
      { defaultSidecar: 'yes' },
      /defaultSidecar must be true or false/,
    ],
    [
      'a non-boolean allowWeakerMtls',
      { allowWeakerMtls: 'true' },
      /allowWeakerMtls must be true or false/,
    ],
    [
      'an invalid control-plane namespace',
      { controlPlaneNamespace: 'Istio' },
      /controlPlaneNamespace/,
    ],
    [
      'a host without namespace',
      { extraEgressHosts: ['api.example.com'] },
      /'api.example.com' is not of the form namespace\/host/,
    ],
    [
      'a host with an empty name',
      { extraEgressHosts: ['observability/'] },
      /not of the form/,
    ],
    ['a host with a path', { extraEgressHosts: ['a/b/c'] }, /not of the form/],
    [
      'too many hosts',
      { extraEgressHosts: Array.from({ length: 21 }, (_, i) => `ns${i}/*`) },
      /at most 20/,
    ],
    [
      'an owner that is not an entity ref',
      { owner: 'group:default/' },
      /owner must be an entity reference/,
    ],
  ])('refuses %s', (_case, change, message) => {
    expect(() =>
      validateMeshNamespaceInput({ ...base, ...(change as object) } as never),
    ).toThrow(message);
  });

  it('names every problem at once, as an InputError', () => {
    let error: Error | undefined;
    try {
      validateMeshNamespaceInput({
        cluster: 'demo',
        namespace: 'Bad',
        mtls: 'OFF',
      });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('InputError');
    expect(error?.message).toMatch(/namespace 'Bad'.*; mtls must be/);
  });
});
