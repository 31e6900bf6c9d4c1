import { ISTIO_SUPPORT_MATRIX } from './istioSupportMatrix';
import { supportVerdict } from './supportVerdict';

const now = new Date('2026-11-25T12:00:00Z');

describe('supportVerdict', () => {
  it.each([
    // istio, kubernetes, verdict, reason fragment
    ['1.28.1', 'v1.32.3', 'unsupported', /end of life on 2026-07-01/],
    ['1.30.0', 'v1.33.1-gke.100', 'supported', undefined],
    ['1.30', '1.36', 'supported', undefined],
    ['1.30.2', 'v1.31.0', 'unsupported', /below 1.32, the minimum/],
    [
      '1.30.2',
      'v1.37.0',
      'unsupported',
      /newer than the versions Istio 1.30 is tested on \(1.32–1.36\)/,
    ],
    ['1.11.7', '1.18', 'unsupported', /end of life on 2022-03-25/],
    [
      '1.11.0',
      '1.17.4',
      'unsupported',
      /older than the versions Istio 1.11 is tested on/,
    ],
    ['1.11.0', '1.16', 'unsupported', /below 1.17, the minimum/],
    ['1.31.0', '1.34', 'unknown', /not in the support matrix/],
    ['latest', '1.34', 'unknown', /not a version number/],
    ['1.30.0', 'unknown', 'unknown', /Kubernetes version 'unknown'/],
  ])(
    'Istio %s on Kubernetes %s → %s',
    (istioVersion, kubernetesVersion, verdict, reason) => {
      const result = supportVerdict({ istioVersion, kubernetesVersion, now });
      expect(result.verdict).toBe(verdict);
      expect(result.reasons.join('\n')).toMatch(reason ?? /^$/);
    },
  );

  it('reports a release as supported on its last day and end-of-life the day after', () => {
    const lastDay = new Date('2026-11-30T12:00:00Z');
    const dayAfter = new Date('2026-12-01T00:00:01Z');
    expect(
      supportVerdict({
        istioVersion: '1.30.1',
        kubernetesVersion: '1.34',
        now: lastDay,
      }).verdict,
    ).toBe('supported');
    expect(
      supportVerdict({
        istioVersion: '1.30.1',
        kubernetesVersion: '1.34',
        now: dayAfter,
      }).reasons[0],
    ).toMatch(/expected date/);
  });

  it('keeps the matrix ordered and internally consistent', () => {
    const minors = ISTIO_SUPPORT_MATRIX.map(r => Number(r.istio.split('.')[1]));
    expect(minors).toEqual([...minors].sort((a, b) => a - b));
    for (const row of ISTIO_SUPPORT_MATRIX) {
      const [low, high] = row.kubernetesTested.map(v =>
        Number(v.split('.')[1]),
      );
      expect(low).toBeLessThanOrEqual(high);
      expect(Number(row.kubernetesMinimum.split('.')[1])).toBeLessThanOrEqual(
        low,
      );
      expect(Date.parse(row.released)).toBeLessThan(Date.parse(row.endOfLife));
    }
  });
});
