import { parseAllDocuments } from 'yaml';
import { imagePullFailures } from './imagePull';
import {
  healthyInventory,
  healthyMesh,
  inventoryWith,
  objectsOf,
  pod,
} from './testFixtures';

const DOCKER_PROXY = 'docker.io/istio/proxyv2:1.11.0';

const failing = [
  pod('istio-demo', 'ratings-v1-754', {
    proxyImage: DOCKER_PROXY,
    waiting: { 'istio-proxy': 'ImagePullBackOff' },
  }),
  pod('istio-demo', 'details-v1-6f6', {
    proxyImage: DOCKER_PROXY,
    waiting: { 'istio-proxy': 'ErrImagePull' },
  }),
];

describe('IBS-IMAGE-PULL-FAILED', () => {
  it.each([
    ['a healthy mesh', healthyInventory(), []],
    [
      'two pods failing on the same proxy image: one diagnostic',
      inventoryWith({ pods: failing }),
      ['IBS-IMAGE-PULL-FAILED Pod istio-demo/details-v1-6f6'],
    ],
    [
      'istio-init failing (init container status)',
      inventoryWith({
        pods: [
          pod('shop', 'cart-1', {
            proxyImage: DOCKER_PROXY,
            istioInit: ['NET_ADMIN'],
            waiting: { 'istio-init': 'ErrImagePull' },
          }),
        ],
      }),
      ['IBS-IMAGE-PULL-FAILED Pod shop/cart-1'],
    ],
    [
      'istiod failing',
      inventoryWith({
        pods: [
          pod('istio-system', 'istiod-abc', {
            containers: { discovery: 'docker.io/istio/pilot:1.11.0' },
            waiting: { discovery: 'ImagePullBackOff' },
          }),
        ],
      }),
      ['IBS-IMAGE-PULL-FAILED Pod istio-system/istiod-abc'],
    ],
    [
      'an application container failing (not Istio)',
      inventoryWith({
        pods: [pod('shop', 'cart-1', { waiting: { app: 'ImagePullBackOff' } })],
      }),
      [],
    ],
    [
      'an Istio container crash-looping (not a pull failure)',
      inventoryWith({
        pods: [
          pod('shop', 'cart-1', {
            proxyImage: DOCKER_PROXY,
            waiting: { 'istio-proxy': 'CrashLoopBackOff' },
          }),
        ],
      }),
      [],
    ],
    ['pods unreadable', inventoryWith({ pods: undefined }), []],
  ])('%s', (_case, inventory, expected) => {
    expect(objectsOf(imagePullFailures(inventory, healthyMesh()))).toEqual(
      expected,
    );
  });

  it('sets the hub, proposing a hub that works elsewhere in the cluster', () => {
    const [diagnostic] = imagePullFailures(
      inventoryWith({
        pods: [
          ...failing,
          pod('istio-system', 'istiod-abc', {
            containers: { discovery: 'registry.example.cn/istio/pilot:1.11.0' },
          }),
        ],
      }),
      healthyMesh(),
    );
    expect(diagnostic.message).toBe(
      'Image docker.io/istio/proxyv2:1.11.0 cannot be pulled (ErrImagePull, ImagePullBackOff): container istio-proxy of Pod istio-demo/details-v1-6f6 and 1 other pod.',
    );
    expect(diagnostic.fix.text).toContain(
      'mirror of docker.io/istio such as registry.example.cn/istio',
    );
    const [iop, helm] = parseAllDocuments(diagnostic.fix.yaml!).map(d =>
      d.toJS(),
    );
    expect(iop.spec).toEqual({
      hub: 'registry.example.cn/istio',
      tag: '1.11.0',
    });
    expect(helm).toEqual({
      global: { hub: 'registry.example.cn/istio', tag: '1.11.0' },
    });
  });

  it('falls back to an example hub when no Istio image runs', () => {
    const [diagnostic] = imagePullFailures(
      inventoryWith({ pods: failing }),
      healthyMesh(),
    );
    expect(diagnostic.fix.yaml).toContain('hub: example.com/istio');
  });
});
