import type { IstioProxyMemory } from '@istio-backstage/plugin-istio-common';
import type { SidecarObject } from '../../lib/sidecar';
import type { AppliedSidecar } from '../AppliedSidecarStore';
import { measuredSaving, type MeasuredSavingFacts } from './measuredSaving';

const MI = 1024 * 1024;
const APPLIED_AT = new Date('2026-11-25T10:00:00.000Z');
/** A fixed clock: ten minutes after the apply, past the one-minute settling. */
const NOW = new Date('2026-11-25T10:10:00.000Z');

const lastApply: AppliedSidecar = {
  cluster: 'demo',
  namespace: 'shop',
  entityRef: 'component:default/cart',
  appliedBy: 'user:default/guest',
  appliedAt: APPLIED_AT,
  beforeBytes: 200 * MI,
  pods: 2,
  sidecarNames: ['cart'],
  podNames: ['cart-a', 'cart-b'],
  sidecarDigests: { cart: 'digest-as-written' },
};

const proxy = (pod: string, memoryNowBytes?: number): IstioProxyMemory => ({
  cluster: 'demo',
  namespace: 'shop',
  pod,
  workload: 'cart',
  app: 'cart',
  proxyKind: 'native-sidecar',
  ...(memoryNowBytes === undefined ? {} : { memoryNowBytes }),
});

const cartSidecar: SidecarObject = {
  name: 'cart',
  namespace: 'shop',
  creationTimestamp: '2026-11-25T10:00:00Z',
  workloadSelector: { app: 'cart' },
  hosts: ['./*', 'istio-system/*'],
  specDigest: 'digest-as-written',
};

function facts(
  overrides: Partial<MeasuredSavingFacts> = {},
): MeasuredSavingFacts {
  return {
    lastApply,
    namespace: 'shop',
    rootNamespace: 'istio-system',
    proxies: [proxy('cart-a', 40 * MI), proxy('cart-b', 60 * MI)],
    podLabels: new Map([
      ['cart-a', { app: 'cart' }],
      ['cart-b', { app: 'cart' }],
    ]),
    sidecars: [cartSidecar],
    settleMs: 60_000,
    now: NOW,
    ...overrides,
  };
}

const APPLIED = 'applied on 2026-11-25T10:00:00.000Z';

describe('measuredSaving', () => {
  it('reports the saving of the same pods under the same Sidecar', () => {
    expect(measuredSaving(facts())).toEqual({
      appliedAt: '2026-11-25T10:00:00.000Z',
      appliedBy: 'user:default/guest',
      beforeBytes: 200 * MI,
      afterBytes: 50 * MI,
      measuredAt: '2026-11-25T10:10:00.000Z',
      outcome: 'saving',
      explanation: `150.0 MiB less per pod since the Sidecar was ${APPLIED} (200.0 MiB → 50.0 MiB per pod, the same 2 pods under the same Sidecar).`,
    });
  });

  it('compares only the pods measured before, when more run now', () => {
    const saving = measuredSaving(
      facts({
        proxies: [
          proxy('cart-a', 40 * MI),
          proxy('cart-b', 60 * MI),
          proxy('cart-c', 300 * MI),
        ],
        podLabels: new Map([
          ['cart-a', { app: 'cart' }],
          ['cart-b', { app: 'cart' }],
          ['cart-c', { app: 'cart' }],
        ]),
      }),
    );
    expect(saving).toMatchObject({ outcome: 'saving', afterBytes: 50 * MI });
  });

  it('says memory rose, never a negative saving, with the amount and the date', () => {
    const rose = measuredSaving(
      facts({
        proxies: [proxy('cart-a', 340 * MI), proxy('cart-b', 360 * MI)],
      }),
    );
    expect(rose).toMatchObject({
      outcome: 'memory-rose',
      beforeBytes: 200 * MI,
      afterBytes: 350 * MI,
    });
    expect(rose.explanation).toBe(
      `Memory rose 150.0 MiB since the Sidecar was ${APPLIED} (200.0 MiB → 350.0 MiB per pod, the same 2 pods under the same Sidecar); no saving is claimed.`,
    );
  });

  it('does not compare pods that replaced those measured before, but keeps the reading', () => {
    const replaced = measuredSaving(
      facts({
        proxies: [proxy('cart-a', 40 * MI), proxy('cart-x', 20 * MI)],
        podLabels: new Map([
          ['cart-a', { app: 'cart' }],
          ['cart-x', { app: 'cart' }],
        ]),
      }),
    );
    expect(replaced).toMatchObject({
      outcome: 'pods-replaced',
      afterBytes: 30 * MI,
      explanation: `1 of the 2 pods measured before the Sidecar was ${APPLIED} no longer runs (cart-b): memory now is of other pods, so it is not compared with the memory before.`,
    });
  });

  it('claims nothing from an apply recorded before its pods were', () => {
    const older = {
      ...lastApply,
      podNames: undefined,
      sidecarDigests: undefined,
    };
    const saving = measuredSaving(facts({ lastApply: older }));
    expect(saving.outcome).toBe('pods-replaced');
    expect(saving.explanation).toMatch(/were not recorded/);
  });

  it.each([
    [
      'edited since',
      [{ ...cartSidecar, specDigest: 'another' }],
      /Sidecar shop\/cart was changed since it was applied on 2026-11-25T10:00:00.000Z/,
    ],
    [
      'deleted since',
      [],
      /Sidecar shop\/cart no longer exists since it was applied on 2026-11-25T10:00:00.000Z/,
    ],
  ])('says the Sidecar changed when it was %s', (_case, sidecars, message) => {
    const saving = measuredSaving(facts({ sidecars }));
    expect(saving).toMatchObject({
      outcome: 'sidecar-changed',
      afterBytes: 50 * MI,
    });
    expect(saving.explanation).toMatch(message);
  });

  it('says so when another Sidecar configures the pods (an older one selecting them)', () => {
    const older: SidecarObject = {
      ...cartSidecar,
      name: 'by-hand',
      creationTimestamp: '2026-01-01T00:00:00Z',
      specDigest: 'x',
    };
    const saving = measuredSaving(facts({ sidecars: [cartSidecar, older] }));
    expect(saving.outcome).toBe('sidecar-not-in-force');
    expect(saving.explanation).toBe(
      `Sidecar shop/by-hand configures pod cart-a, not the Sidecar ${APPLIED}: no saving is claimed.`,
    );
  });

  it('says so when the applied Sidecar no longer selects the pods', () => {
    const saving = measuredSaving(
      facts({
        podLabels: new Map([
          ['cart-a', { app: 'cart' }],
          ['cart-b', { app: 'cart-canary' }],
        ]),
      }),
    );
    expect(saving.outcome).toBe('sidecar-not-in-force');
    expect(saving.explanation).toMatch(/^No Sidecar configures pod cart-b/);
  });

  it('claims nothing when the Sidecars could not be read', () => {
    const saving = measuredSaving(facts({ sidecars: undefined }));
    expect(saving.outcome).toBe('sidecar-not-in-force');
    expect(saving.explanation).toMatch(/could not be read/);
  });

  it('is settling, without a reading, until the proxies had time to settle', () => {
    const saving = measuredSaving(
      facts({ now: new Date('2026-11-25T10:00:30.000Z') }),
    );
    expect(saving).toEqual({
      appliedAt: '2026-11-25T10:00:00.000Z',
      appliedBy: 'user:default/guest',
      beforeBytes: 200 * MI,
      outcome: 'settling',
      explanation: `Applied on 2026-11-25T10:00:00.000Z; memory is compared once the proxies have settled, from 2026-11-25T10:01:00.000Z.`,
    });
  });

  it('is settling while a pod measured before has no reading', () => {
    const saving = measuredSaving(
      facts({ proxies: [proxy('cart-a', 40 * MI), proxy('cart-b')] }),
    );
    expect(saving).not.toHaveProperty('afterBytes');
    expect(saving).toMatchObject({ outcome: 'settling' });
    expect(saving.explanation).toMatch(
      /the 2 pods measured before has no reading yet/,
    );
  });
});
