import {
  CLUSTER_NAME_PATTERN,
  DNS1123_LABEL,
  isClusterName,
  isDns1123Label,
  isLabelValue,
  isSidecarEgressHost,
  LABEL_VALUE,
  SIDECAR_EGRESS_HOST,
} from './names';

const a = (length: number) => 'a'.repeat(length);

type Cases = Array<[unknown, boolean]>;

const dns1123LabelCases: Cases = [
  ['a', true],
  ['istio-system', true],
  ['0abc9', true],
  [a(63), true],
  [a(64), false],
  ['', false],
  ['-shop', false],
  ['shop-', false],
  ['Shop', false],
  ['shop_a', false],
  ['shop.a', false],
  ['shop\n', false],
  ['https://x', false],
  [undefined, false],
  [42, false],
];

const labelValueCases: Cases = [
  ['', true],
  ['1-28-1', true],
  ['v1.2_3', true],
  ['A', true],
  [a(63), true],
  [a(64), false],
  ['-x', false],
  ['x.', false],
  ['a b', false],
  ['a/b', false],
  [null, false],
];

const clusterNameCases: Cases = [
  ['demo', true],
  ['eu-west_1.prod', true],
  ['Cluster1', true],
  [a(63), true],
  [a(64), false],
  ['', false],
  ['.demo', false],
  ['demo_', false],
  ['https://evil.example', false],
  ['10.0.0.1:6443', false],
  ['../etc', false],
  [{}, false],
];

const sidecarEgressHostCases: Cases = [
  ['istio-system/*', true],
  ['./*', true],
  ['*/*', true],
  ['~/*', true],
  ['observability/jaeger-collector.observability.svc.cluster.local', true],
  ['shop/*.example.com', true],
  [`${a(63)}/${a(189)}`, true],
  [`${a(63)}/${a(190)}`, false],
  [`${a(64)}/x`, false],
  ['*.example.com', false],
  ['shop/', false],
  ['shop/Example.com', false],
  ['shop/a..', false],
  ['shop/x y', false],
  ['Shop/x', false],
  [undefined, false],
];

describe.each([
  ['isDns1123Label', isDns1123Label, DNS1123_LABEL, dns1123LabelCases],
  ['isLabelValue', isLabelValue, LABEL_VALUE, labelValueCases],
  ['isClusterName', isClusterName, CLUSTER_NAME_PATTERN, clusterNameCases],
  [
    'isSidecarEgressHost',
    isSidecarEgressHost,
    SIDECAR_EGRESS_HOST,
    sidecarEgressHostCases,
  ],
] as const)('%s', (_name, isValid, pattern, cases) => {
  it.each(cases)('%j → %s', (value, expected) => {
    expect(isValid(value)).toBe(expected);
    // Non-strings are never valid, so the pattern agrees with the guard.
    expect(typeof value === 'string' && pattern.test(value)).toBe(expected);
  });
});
