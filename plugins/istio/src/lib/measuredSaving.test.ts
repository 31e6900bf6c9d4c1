import type { IstioMeasuredSaving } from '@istio-backstage/plugin-istio-common';
import {
  formatDateTime,
  localizeDates,
  measuredSavingBytes,
  whyNoSaving,
} from './measuredSaving';

const MI = 1024 * 1024;

const measured = (
  change: Partial<IstioMeasuredSaving>,
): IstioMeasuredSaving => ({
  appliedAt: '2026-11-25T10:00:00.000Z',
  appliedBy: 'user:default/guest',
  beforeBytes: 223 * MI,
  afterBytes: 41 * MI,
  measuredAt: '2026-11-25T10:05:00.000Z',
  outcome: 'saving',
  explanation: '',
  ...change,
});

/** The user's locale and time zone, as the browser formats them. */
const local = (iso: string) =>
  new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));

describe('measuredSavingBytes', () => {
  it('is the decrease when the backend says before and after compare', () => {
    expect(measuredSavingBytes(measured({}))).toBe(182 * MI);
  });

  it.each([
    ['settling', { outcome: 'settling' as const, afterBytes: undefined }],
    ['pods replaced', { outcome: 'pods-replaced' as const }],
    ['Sidecar changed', { outcome: 'sidecar-changed' as const }],
    ['Sidecar not in force', { outcome: 'sidecar-not-in-force' as const }],
    ['memory rose', { outcome: 'memory-rose' as const, afterBytes: 373 * MI }],
    ['a "saving" that is an increase', { afterBytes: 300 * MI }],
    ['a "saving" of nothing', { afterBytes: 223 * MI }],
  ])('is undefined for %s', (_case, change) => {
    expect(measuredSavingBytes(measured(change))).toBeUndefined();
  });
});

describe('dates in the user locale', () => {
  it('formats a timestamp as the browser does, without a fixed locale', () => {
    expect(formatDateTime('2026-11-25T10:00:00.000Z')).toBe(
      local('2026-11-25T10:00:00.000Z'),
    );
    expect(formatDateTime('not a date')).toBe('not a date');
  });

  it('rewrites ISO dates inside a sentence and leaves the rest', () => {
    const day = new Intl.DateTimeFormat(undefined, {
      dateStyle: 'medium',
      timeZone: 'UTC',
    }).format(new Date('2026-11-24T00:00:00Z'));
    expect(
      localizeDates(
        'memory rose 150 MiB since the Sidecar was applied on 2026-11-25T10:00:00.000Z; replaced 2026-11-24.',
      ),
    ).toBe(
      `memory rose 150 MiB since the Sidecar was applied on ${local(
        '2026-11-25T10:00:00.000Z',
      )}; replaced ${day}.`,
    );
  });
});

describe('whyNoSaving', () => {
  it("gives the backend's explanation with local dates", () => {
    expect(
      whyNoSaving(
        measured({
          outcome: 'sidecar-not-in-force',
          explanation:
            'the Sidecar applied on 2026-11-25T10:00:00.000Z is no longer in force',
        }),
      ),
    ).toBe(
      `the Sidecar applied on ${local(
        '2026-11-25T10:00:00.000Z',
      )} is no longer in force`,
    );
  });

  it('says what the outcome means when there is no explanation', () => {
    expect(whyNoSaving(measured({ outcome: 'pods-replaced' }))).toBe(
      'the pods were replaced since the apply, so before and after are not the same pods',
    );
  });
});
