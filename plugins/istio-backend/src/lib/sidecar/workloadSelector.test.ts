import {
  selectorChooser,
  sidecarObjectName,
  stableLabels,
  workloadSelectorFor,
} from './workloadSelector';
import { BOOKINFO_WORKLOADS, REVIEWS_V2, workload } from './testFixtures';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('sidecarObjectName', () => {
  it.each([
    ['productpage-v1', 'productpage-v1'],
    ['Reviews_V2', 'reviews-v2'],
    ['my.app.v1', 'my-app-v1'],
    ['--edge--', 'edge'],
    ['___', 'sidecar'],
  ])('%s → %s', (name, expected) => {
    expect(sidecarObjectName(name)).toBe(expected);
  });

  it('stays a distinct DNS-1123 label of at most 63 characters', () => {
    const long = `${'a'.repeat(60)}-worker-one`;
    const other = `${'a'.repeat(60)}-worker-two`;
    const names = [long, other].map(sidecarObjectName);
    expect(names.every(n => n.length <= 63 && DNS_LABEL.test(n))).toBe(true);
    expect(names[0]).not.toBe(names[1]);
  });

  it('is a DNS-1123 label for arbitrary names (property)', () => {
    const alphabet = 'aZ9-_.~ é';
    let state = 3;
    const next = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    for (let i = 0; i < 500; i++) {
      const name = Array.from(
        { length: Math.floor(next() * 90) },
        () => alphabet[Math.floor(next() * alphabet.length)],
      ).join('');
      const result = sidecarObjectName(name);
      expect({
        name,
        ok: result.length <= 63 && DNS_LABEL.test(result),
      }).toEqual({
        name,
        ok: true,
      });
    }
  });
});

describe('workload selectors', () => {
  it('uses app and version', () => {
    expect(workloadSelectorFor(REVIEWS_V2, BOOKINFO_WORKLOADS)).toEqual({
      app: 'reviews',
      version: 'v2',
    });
  });

  it('uses app alone when there is no version label', () => {
    const w = workload('cart', { app: 'cart', tier: 'web' });
    expect(workloadSelectorFor(w, [w])).toEqual({ app: 'cart' });
  });

  it('falls back to all stable labels without an app label', () => {
    const w = workload('cart', {
      'app.kubernetes.io/name': 'cart',
      'controller-revision-hash': 'abc',
    });
    expect(workloadSelectorFor(w, [w])).toEqual({
      'app.kubernetes.io/name': 'cart',
    });
  });

  it('falls back to all stable labels when app/version would select another workload', () => {
    const blue = workload('cart-blue', {
      app: 'cart',
      version: 'v1',
      slot: 'blue',
    });
    const green = workload('cart-green', {
      app: 'cart',
      version: 'v1',
      slot: 'green',
    });
    const choose = selectorChooser([blue, green]);
    expect(choose(blue)).toEqual({ app: 'cart', slot: 'blue', version: 'v1' });
    expect(choose(green)).toEqual({
      app: 'cart',
      slot: 'green',
      version: 'v1',
    });
  });

  it('ignores gateways when checking for ambiguity', () => {
    const api = workload('api', { app: 'api' });
    const gw = workload('api-gateway', { app: 'api' }, { isGateway: true });
    expect(workloadSelectorFor(api, [api, gw])).toEqual({ app: 'api' });
  });

  it('drops per-rollout labels', () => {
    expect(
      stableLabels({
        'pod-template-hash': 'x',
        'controller-revision-hash': 'y',
        'statefulset.kubernetes.io/pod-name': 'db-0',
        app: 'db',
      }),
    ).toEqual({ app: 'db' });
  });
});
