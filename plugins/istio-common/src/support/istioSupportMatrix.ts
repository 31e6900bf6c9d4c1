/**
 * One Istio minor release and the Kubernetes versions it supports.
 *
 * @public
 */
export interface IstioReleaseSupport {
  /** Istio minor, for example `1.24`. */
  istio: string;
  /** Release date (ISO date, `YYYY-MM-DD`). */
  released: string;
  /** End of life (ISO date, `YYYY-MM-DD`): the last day the release is supported. */
  endOfLife: string;
  /**
   * True when `endOfLife` is an estimate, not yet announced by Istio: a verdict that
   * rests on it says so.
   */
  endOfLifeExpected?: boolean;
  /** Oldest and newest Kubernetes minor Istio tests this release against. */
  kubernetesTested: [string, string];
  /** Oldest Kubernetes minor `istioctl` accepts for this release. */
  kubernetesMinimum: string;
}

/**
 * A support matrix: one row per Istio minor, oldest first.
 *
 * @public
 */
export type IstioSupportMatrix = readonly IstioReleaseSupport[];

/**
 * The day {@link ISTIO_SUPPORT_MATRIX} was last checked against istio.io (ISO date).
 *
 * The table was checked in November 2026 and the day was not recorded, so this is the
 * first day of that month: an "as of" date must never make the data look fresher than
 * it is. Verdicts and messages show it, so readers can tell how old the figures are.
 * Update it with the table.
 *
 * @public
 */
export const ISTIO_SUPPORT_MATRIX_AS_OF = '2026-11-01';

/**
 * Istio's support status per release, as of {@link ISTIO_SUPPORT_MATRIX_AS_OF}.
 *
 * Source: istio.io "Supported Releases" (support status table) and the minimum
 * Kubernetes version `istioctl` enforces per release. Istio supports a minor until six
 * weeks after the release two minors later, and publishes newer releases than this
 * table holds: a version newer than its last row is unknown, never unsupported.
 * Adopters add or correct rows with `istio.supportMatrix` (see
 * `mergeSupportMatrix`). Update this table, and its date, when Istio publishes a
 * release.
 *
 * @public
 */
export const ISTIO_SUPPORT_MATRIX: IstioSupportMatrix = [
  {
    istio: '1.11',
    released: '2021-08-12',
    endOfLife: '2022-03-25',
    kubernetesTested: ['1.18', '1.22'],
    kubernetesMinimum: '1.17',
  },
  {
    istio: '1.12',
    released: '2021-11-18',
    endOfLife: '2022-07-12',
    kubernetesTested: ['1.19', '1.22'],
    kubernetesMinimum: '1.17',
  },
  {
    istio: '1.13',
    released: '2022-02-11',
    endOfLife: '2022-10-12',
    kubernetesTested: ['1.20', '1.23'],
    kubernetesMinimum: '1.19',
  },
  {
    istio: '1.14',
    released: '2022-05-24',
    endOfLife: '2022-12-27',
    kubernetesTested: ['1.21', '1.24'],
    kubernetesMinimum: '1.19',
  },
  {
    istio: '1.15',
    released: '2022-08-31',
    endOfLife: '2023-04-04',
    kubernetesTested: ['1.22', '1.25'],
    kubernetesMinimum: '1.19',
  },
  {
    istio: '1.16',
    released: '2022-11-15',
    endOfLife: '2023-07-25',
    kubernetesTested: ['1.22', '1.25'],
    kubernetesMinimum: '1.19',
  },
  {
    istio: '1.17',
    released: '2023-02-14',
    endOfLife: '2023-10-27',
    kubernetesTested: ['1.23', '1.26'],
    kubernetesMinimum: '1.23',
  },
  {
    istio: '1.18',
    released: '2023-06-03',
    endOfLife: '2024-01-04',
    kubernetesTested: ['1.24', '1.27'],
    kubernetesMinimum: '1.23',
  },
  {
    istio: '1.19',
    released: '2023-09-05',
    endOfLife: '2024-04-24',
    kubernetesTested: ['1.25', '1.28'],
    kubernetesMinimum: '1.25',
  },
  {
    istio: '1.20',
    released: '2023-11-14',
    endOfLife: '2024-06-25',
    kubernetesTested: ['1.25', '1.29'],
    kubernetesMinimum: '1.25',
  },
  {
    istio: '1.21',
    released: '2024-03-13',
    endOfLife: '2024-09-27',
    kubernetesTested: ['1.26', '1.29'],
    kubernetesMinimum: '1.26',
  },
  {
    istio: '1.22',
    released: '2024-05-13',
    endOfLife: '2025-01-22',
    kubernetesTested: ['1.27', '1.30'],
    kubernetesMinimum: '1.26',
  },
  {
    istio: '1.23',
    released: '2024-08-14',
    endOfLife: '2025-04-16',
    kubernetesTested: ['1.27', '1.30'],
    kubernetesMinimum: '1.26',
  },
  {
    istio: '1.24',
    released: '2024-11-07',
    endOfLife: '2025-06-24',
    kubernetesTested: ['1.28', '1.31'],
    kubernetesMinimum: '1.28',
  },
  {
    istio: '1.25',
    released: '2025-03-03',
    endOfLife: '2025-09-30',
    kubernetesTested: ['1.29', '1.32'],
    kubernetesMinimum: '1.28',
  },
  {
    istio: '1.26',
    released: '2025-05-08',
    endOfLife: '2025-12-22',
    kubernetesTested: ['1.29', '1.33'],
    kubernetesMinimum: '1.29',
  },
  {
    istio: '1.27',
    released: '2025-08-11',
    endOfLife: '2026-04-07',
    kubernetesTested: ['1.29', '1.33'],
    kubernetesMinimum: '1.29',
  },
  {
    istio: '1.28',
    released: '2025-11-05',
    endOfLife: '2026-07-01',
    kubernetesTested: ['1.30', '1.34'],
    kubernetesMinimum: '1.29',
  },
  {
    istio: '1.29',
    released: '2026-02-16',
    endOfLife: '2026-08-31',
    endOfLifeExpected: true,
    kubernetesTested: ['1.31', '1.35'],
    kubernetesMinimum: '1.30',
  },
  {
    istio: '1.30',
    released: '2026-05-14',
    endOfLife: '2026-11-30',
    endOfLifeExpected: true,
    kubernetesTested: ['1.32', '1.36'],
    kubernetesMinimum: '1.32',
  },
];
