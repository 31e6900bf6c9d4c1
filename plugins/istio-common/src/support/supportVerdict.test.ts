import {
  ISTIO_SUPPORT_MATRIX,
  ISTIO_SUPPORT_MATRIX_AS_OF,
  type IstioReleaseSupport,
} from './istioSupportMatrix';
import { mergeSupportMatrix } from './mergeSupportMatrix';
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
    [
      '1.31.0',
      '1.34',
      'unknown',
      /^Istio 1.31 is newer than this plugin's support matrix \(as of 2026-11-01, newest 1.30\)/,
    ],
    ['2.0.0', '1.34', 'unknown', /newer than this plugin's support matrix/],
    [
      '1.10.6',
      '1.18',
      'unsupported',
      /older than this plugin's support matrix \(oldest 1.11, end of life on 2022-03-25\)/,
    ],
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

  it('says which day the matrix is from, in every verdict', () => {
    expect(ISTIO_SUPPORT_MATRIX_AS_OF).toMatch(/^2026-11-\d\d$/);
    for (const istioVersion of ['1.30.1', '1.99.0', 'latest'])
      expect(
        supportVerdict({ istioVersion, kubernetesVersion: '1.34', now })
          .matrixAsOf,
      ).toBe(ISTIO_SUPPORT_MATRIX_AS_OF);
  });

  describe('an estimated end of life (Istio 1.30, expected 2026-11-30)', () => {
    const verdictOn = (date: string, kubernetesVersion = '1.34') =>
      supportVerdict({
        istioVersion: '1.30.1',
        kubernetesVersion,
        now: new Date(date),
      });

    it('is supported up to its last day, saying the date is an estimate', () => {
      const lastDay = verdictOn('2026-11-30T23:59:00Z');
      expect(lastDay.verdict).toBe('supported');
      expect(lastDay.reasons).toEqual([]);
      expect(lastDay.release).toMatchObject({
        endOfLife: '2026-11-30',
        endOfLifeExpected: true,
      });
    });

    it("is 'check' (likely end of life) once the estimate has passed, showing it", () => {
      for (const date of ['2026-12-01T00:00:01Z', '2026-12-06T12:00:00Z'])
        expect(verdictOn(date)).toMatchObject({
          verdict: 'check',
          reasons: [
            "Istio 1.30's end of life was expected around 2026-11-30 and has likely passed; check istio.io's supported releases",
          ],
        });
    });

    it('stays unsupported when Kubernetes is out of range, with the likely end of life too', () => {
      const verdict = verdictOn('2026-12-06T12:00:00Z', 'v1.31.0');
      expect(verdict.verdict).toBe('unsupported');
      expect(verdict.reasons).toEqual([
        'Kubernetes 1.31 is below 1.32, the minimum istioctl 1.30 accepts',
        "Istio 1.30's end of life was expected around 2026-11-30 and has likely passed; check istio.io's supported releases",
      ]);
    });
  });

  it('keeps a passed announced end of life unsupported', () => {
    const verdict = supportVerdict({
      istioVersion: '1.28.1',
      kubernetesVersion: 'v1.33.2',
      now: new Date('2026-12-06T12:00:00Z'),
    });
    expect(verdict.verdict).toBe('unsupported');
    expect(verdict.reasons).toEqual([
      'Istio 1.28 reached end of life on 2026-07-01',
    ]);
  });

  describe('with rows from config', () => {
    const december = new Date('2026-12-06T12:00:00Z');
    const row131: IstioReleaseSupport = {
      istio: '1.31',
      released: '2026-08-12',
      endOfLife: '2027-03-31',
      endOfLifeExpected: true,
      kubernetesTested: ['1.33', '1.37'],
      kubernetesMinimum: '1.32',
    };

    it('knows a release added by config', () => {
      const matrix = mergeSupportMatrix(ISTIO_SUPPORT_MATRIX, [row131]);
      const verdict = supportVerdict({
        istioVersion: '1.31.2',
        kubernetesVersion: 'v1.34.1',
        now: december,
        matrix,
      });
      expect(verdict.verdict).toBe('supported');
      expect(verdict.release).toEqual(row131);
      expect(
        supportVerdict({
          istioVersion: '1.32.0',
          kubernetesVersion: 'v1.34.1',
          now: december,
          matrix,
        }).reasons[0],
      ).toMatch(/newer than this plugin's support matrix \(.*newest 1.31\)/);
    });

    it('uses a corrected row: an announced end of life replaces the estimate', () => {
      const matrix = mergeSupportMatrix(ISTIO_SUPPORT_MATRIX, [
        {
          ...ISTIO_SUPPORT_MATRIX.find(r => r.istio === '1.30')!,
          endOfLife: '2027-01-15',
          endOfLifeExpected: undefined,
        },
      ]);
      const verdict = supportVerdict({
        istioVersion: '1.30.1',
        kubernetesVersion: '1.34',
        now: december,
        matrix,
      });
      expect(verdict.verdict).toBe('supported');
      expect(verdict.release?.endOfLifeExpected).toBeUndefined();
    });
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
