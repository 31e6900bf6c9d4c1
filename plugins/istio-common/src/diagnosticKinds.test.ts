import {
  compareSeverity,
  DIAGNOSTIC_KINDS,
  DIAGNOSTIC_SEVERITIES,
} from './diagnosticKinds';

describe('DIAGNOSTIC_KINDS', () => {
  it('names codes in the IBS- form', () => {
    for (const code of Object.keys(DIAGNOSTIC_KINDS))
      expect(code).toMatch(/^IBS-[A-Z0-9]+(-[A-Z0-9]+)+$/);
  });

  it('calls tracing problems mesh-wide, so every entity tab shows them', () => {
    const tracing = Object.entries(DIAGNOSTIC_KINDS).filter(
      ([, kind]) => kind.topic === 'tracing',
    );
    expect(tracing.map(([code]) => code).sort()).toEqual([
      'IBS-TRACING-COLLECTOR-MISSING',
      'IBS-TRACING-FULL-SAMPLING',
      'IBS-TRACING-NO-PROVIDER',
      'IBS-TRACING-SAMPLING-FRACTION',
    ]);
    expect(new Set(tracing.map(([, kind]) => kind.scope))).toEqual(
      new Set(['mesh']),
    );
  });
});

describe('compareSeverity', () => {
  it('sorts errors first, then warnings, then info', () => {
    expect(
      (['info', 'error', 'warning', 'info'] as const)
        .slice()
        .sort(compareSeverity),
    ).toEqual(['error', 'warning', 'info', 'info']);
    expect(DIAGNOSTIC_SEVERITIES).toEqual(['error', 'warning', 'info']);
  });
});
