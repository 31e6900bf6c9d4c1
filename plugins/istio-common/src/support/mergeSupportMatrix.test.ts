import {
  ISTIO_SUPPORT_MATRIX,
  type IstioReleaseSupport,
} from './istioSupportMatrix';
import { mergeSupportMatrix } from './mergeSupportMatrix';

const row = (
  istio: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> => ({
  istio,
  released: '2026-08-12',
  endOfLife: '2027-03-31',
  endOfLifeExpected: true,
  kubernetesTested: ['1.33', '1.37'],
  kubernetesMinimum: '1.32',
  ...overrides,
});

const minors = (matrix: readonly IstioReleaseSupport[]) =>
  matrix.map(r => r.istio);

describe('mergeSupportMatrix', () => {
  it('returns the base when nothing is configured', () => {
    expect(mergeSupportMatrix(ISTIO_SUPPORT_MATRIX, undefined)).toBe(
      ISTIO_SUPPORT_MATRIX,
    );
    expect(mergeSupportMatrix(ISTIO_SUPPORT_MATRIX, [])).toEqual(
      ISTIO_SUPPORT_MATRIX,
    );
  });

  it('adds new minors in order and replaces a known one, without touching the base', () => {
    const base = ISTIO_SUPPORT_MATRIX.slice(-3);
    const merged = mergeSupportMatrix(base, [
      row('1.32', { released: '2026-11-20', endOfLife: '2027-06-30' }),
      row('1.31'),
      row('1.29', { endOfLife: '2026-10-14', endOfLifeExpected: false }),
    ]);
    expect(minors(merged)).toEqual(['1.28', '1.29', '1.30', '1.31', '1.32']);
    expect(merged[1]).toEqual({
      istio: '1.29',
      released: '2026-08-12',
      endOfLife: '2026-10-14',
      kubernetesTested: ['1.33', '1.37'],
      kubernetesMinimum: '1.32',
    });
    expect(base[1].endOfLife).toBe('2026-08-31');
    expect(minors(base)).toEqual(['1.28', '1.29', '1.30']);
  });

  it.each([
    [
      'a list that is not a list',
      { istio: '1.31' },
      'Invalid istio.supportMatrix: must be a list of release rows; got {"istio":"1.31"}',
    ],
    [
      'a row that is not an object',
      ['1.31'],
      'istio.supportMatrix[0] must be an object with the fields of a release row',
    ],
    [
      'a minor with a patch',
      [row('1.31.2')],
      'istio.supportMatrix[0].istio must be a minor version written N.N, such as \'1.31\'; got "1.31.2"',
    ],
    [
      'an unquoted minor (a YAML number)',
      [row('1.31', { kubernetesMinimum: 1.3 })],
      "istio.supportMatrix[0].kubernetesMinimum must be a minor version written N.N, such as '1.31'; got the number 1.3 (quote it: unquoted, YAML reads 1.30 as 1.3)",
    ],
    [
      'a date that is not ISO',
      [row('1.31', { endOfLife: '31/03/2027' })],
      'istio.supportMatrix[0].endOfLife must be an ISO date written YYYY-MM-DD, such as \'2027-02-28\'; got "31/03/2027"',
    ],
    [
      'a date that does not exist',
      [row('1.31', { released: '2026-02-30' })],
      'istio.supportMatrix[0].released must be an ISO date',
    ],
    [
      'an end of life before the release',
      [row('1.31', { endOfLife: '2026-01-01' })],
      'istio.supportMatrix[0].endOfLife (2026-01-01) must be after released (2026-08-12)',
    ],
    [
      'a tested range low above high',
      [row('1.31', { kubernetesTested: ['1.37', '1.33'] })],
      'istio.supportMatrix[0].kubernetesTested must be [low, high] with low ≤ high; got [1.37, 1.33]',
    ],
    [
      'a tested range of one version',
      [row('1.31', { kubernetesTested: ['1.33'] })],
      'istio.supportMatrix[0].kubernetesTested must be two Kubernetes minors [low, high]',
    ],
    [
      'a minimum above the tested range',
      [row('1.31', { kubernetesMinimum: '1.34' })],
      'istio.supportMatrix[0].kubernetesMinimum (1.34) must not be above the lowest tested Kubernetes version (1.33)',
    ],
    [
      'endOfLifeExpected that is not a boolean',
      [row('1.31', { endOfLifeExpected: 'yes' })],
      'istio.supportMatrix[0].endOfLifeExpected must be true or false',
    ],
    [
      'a missing field',
      [{ ...row('1.31'), released: undefined }],
      'istio.supportMatrix[0].released is missing',
    ],
    [
      'a misspelt field',
      [{ ...row('1.31'), endOfLifeExpcted: true }],
      'istio.supportMatrix[0].endOfLifeExpcted is not a field of a release row',
    ],
    [
      'two rows for one minor',
      [row('1.31'), row('1.30'), row('1.31')],
      'istio.supportMatrix[2].istio (1.31) repeats istio.supportMatrix[0]; give one row per minor',
    ],
  ])('refuses %s, naming the path', (_case, rows, message) => {
    expect(() => mergeSupportMatrix(ISTIO_SUPPORT_MATRIX, rows)).toThrow(
      message,
    );
  });

  it('reports every problem at once, under the path it is given', () => {
    expect(() =>
      mergeSupportMatrix(
        ISTIO_SUPPORT_MATRIX,
        [row('1.31', { released: 'soon' }), row('next')],
        { path: 'istio.custom' },
      ),
    ).toThrow(
      /^Invalid istio\.custom: istio\.custom\[0\]\.released .*; istio\.custom\[1\]\.istio /,
    );
  });
});
