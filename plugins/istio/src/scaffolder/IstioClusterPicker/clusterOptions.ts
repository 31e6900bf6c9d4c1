import type { IstioClustersResponse } from '@istio-backstage/plugin-istio-common';

/** One entry of the cluster select. */
export interface ClusterOption {
  /** The cluster's name: the value the template receives. */
  name: string;
  /** What the select shows: the title when the cluster has one. */
  label: string;
  /** Set when the cluster cannot be picked: why. */
  unusableReason?: string;
}

/**
 * The clusters to offer: the usable ones first, in the backend's order, then those
 * the backend cannot use, which are shown (disabled) so that a missing cluster is
 * explained rather than silently absent.
 */
export function clusterOptions(
  clusters: IstioClustersResponse,
): ClusterOption[] {
  const usable = clusters.items.map(c => ({
    name: c.name,
    label: c.title || c.name,
  }));
  const usableNames = new Set(usable.map(c => c.name));
  const unusable = clusters.unusable
    .filter(c => !usableNames.has(c.name))
    .map(c => ({ name: c.name, label: c.name, unusableReason: c.reason }));
  return [...usable, ...unusable];
}
