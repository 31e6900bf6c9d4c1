import type {
  IstioControlPlane,
  IstioMeshConfig,
} from '@istio-backstage/plugin-istio-common';
import type { IstioObject, MeshInventory } from '../inventory';
import { meshConfigMapName } from '../meshConfigs';
import { meshRevisions } from '../meshRevisions';
import type { ObjectRef } from './diagnostic';
import { isAtLeast } from './versions';

export { meshConfigMapName } from '../meshConfigs';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `istiod` for the default revision, `istiod-<rev>` otherwise. */
export function istiodName(revision: string): string {
  return revision === 'default' || revision === ''
    ? 'istiod'
    : `istiod-${revision}`;
}

/** The mesh ConfigMap of a control plane as an object reference. */
export function meshConfigMapRef(cp: IstioControlPlane): ObjectRef {
  return {
    kind: 'ConfigMap',
    namespace: cp.namespace,
    name: meshConfigMapName(cp.revision),
  };
}

/** The istiod Deployment of a control plane (its real name when the inventory has it). */
export function istiodRef(
  inventory: MeshInventory,
  cp: IstioControlPlane,
): ObjectRef {
  const found = inventory.deployments?.find(
    d =>
      d.metadata?.namespace === cp.namespace &&
      d.metadata?.labels?.app === 'istiod' &&
      (d.metadata?.labels?.['istio.io/rev'] ?? 'default') === cp.revision,
  );
  return {
    kind: 'Deployment',
    namespace: cp.namespace,
    name: found?.metadata?.name ?? istiodName(cp.revision),
  };
}

/** Namespaces of the control planes (where istiod runs). */
export function controlPlaneNamespaces(mesh: IstioMeshConfig): Set<string> {
  return new Set(mesh.controlPlanes.map(cp => cp.namespace));
}

/**
 * Root namespaces of the mesh: each revision's MeshConfig `rootNamespace` (Istio's
 * default `istio-system` when not written). A revision whose MeshConfig is unknown adds
 * none; empty when no control plane is known: callers must then not reason about
 * mesh-wide defaults.
 */
export function rootNamespaces(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
): Set<string> {
  const roots = new Set<string>();
  for (const { config } of meshRevisions(inventory, mesh.controlPlanes)
    .revisions)
    if (config.known) roots.add(config.rootNamespace);
  return roots;
}

/** The labels of a Sidecar's workloadSelector; undefined for a selector-less Sidecar. */
export function sidecarSelector(
  sidecar: IstioObject,
): Record<string, string> | undefined {
  const selector = sidecar.spec?.workloadSelector;
  if (!isRecord(selector) || !isRecord(selector.labels)) return undefined;
  const labels = Object.fromEntries(
    Object.entries(selector.labels).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  // An empty label map selects nothing specific; Istio treats it like no selector.
  return Object.keys(labels).length > 0 ? labels : undefined;
}

/** The egress hosts a Sidecar declares, in order, without duplicates. */
export function sidecarEgressHosts(sidecar: IstioObject): string[] {
  const egress = sidecar.spec?.egress;
  if (!Array.isArray(egress)) return [];
  const hosts = egress.flatMap(e =>
    isRecord(e) && Array.isArray(e.hosts)
      ? e.hosts.filter((h): h is string => typeof h === 'string')
      : [],
  );
  return [...new Set(hosts)];
}

/** Reference to an Istio custom object. */
export function istioObjectRef(kind: string, object: IstioObject): ObjectRef {
  return {
    kind: object.kind ?? kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name,
  };
}

/**
 * `networking.istio.io/v1` and `telemetry.istio.io/v1` exist from Istio 1.22; older
 * control planes need `v1beta1` / `v1alpha1`. Unknown versions get the old, still
 * served versions so the snippet applies everywhere.
 */
export function apiVersions(mesh: IstioMeshConfig): {
  networking: string;
  telemetry: string;
} {
  const allModern =
    mesh.controlPlanes.length > 0 &&
    mesh.controlPlanes.every(cp => isAtLeast(cp.version, [1, 22]));
  return allModern
    ? {
        networking: 'networking.istio.io/v1',
        telemetry: 'telemetry.istio.io/v1',
      }
    : {
        networking: 'networking.istio.io/v1beta1',
        telemetry: 'telemetry.istio.io/v1alpha1',
      };
}

/** A place where a sampling percentage is written explicitly. */
export interface SamplingSource {
  object: ObjectRef;
  /** The field holding the value, as written in that object. */
  field: string;
  value: number;
  /** True when it applies to the whole mesh (MeshConfig, istiod env, root selector-less Telemetry). */
  meshWide: boolean;
  /** The revisions it applies to, when it is a MeshConfig or istiod setting. */
  revision?: string;
}

/**
 * The sampling values each revision's control plane has explicitly written: its
 * MeshConfig `defaultConfig.tracing.sampling` and istiod's `PILOT_TRACE_SAMPLING`
 * (except the installer default 1). Defaults are not listed: a value nobody wrote
 * cannot be written wrongly.
 */
export function controlPlaneSamplingSources(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
): SamplingSource[] {
  const sources: SamplingSource[] = [];
  for (const { controlPlane: cp, config } of meshRevisions(
    inventory,
    mesh.controlPlanes,
  ).revisions) {
    const sampling = config.known ? config.legacyTracing?.sampling : undefined;
    if (sampling !== undefined)
      sources.push({
        object: meshConfigMapRef(cp),
        field: 'mesh: defaultConfig.tracing.sampling',
        value: sampling,
        meshWide: true,
        revision: cp.revision,
      });
    // The istiod chart renders PILOT_TRACE_SAMPLING from pilot.traceSampling, default 1.0,
    // so 1 there is the installer's default, not a value anyone wrote.
    const env = config.pilotTraceSampling;
    if (env !== undefined && env !== 1)
      sources.push({
        object: istiodRef(inventory, cp),
        field: 'env PILOT_TRACE_SAMPLING',
        value: env,
        meshWide: true,
        revision: cp.revision,
      });
  }
  return sources;
}

/**
 * Every Telemetry `randomSamplingPercentage` written, `meshWide` for the selector-less
 * ones of a root namespace.
 */
export function telemetrySamplingSources(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
): SamplingSource[] {
  const roots = rootNamespaces(inventory, mesh);
  const sources: SamplingSource[] = [];
  for (const telemetry of inventory.telemetries ?? []) {
    const tracing = telemetry.spec?.tracing;
    if (!Array.isArray(tracing)) continue;
    tracing.forEach((entry: unknown, index) => {
      if (
        isRecord(entry) &&
        typeof entry.randomSamplingPercentage === 'number'
      ) {
        sources.push({
          object: istioObjectRef('Telemetry', telemetry),
          field: `spec.tracing[${index}].randomSamplingPercentage`,
          value: entry.randomSamplingPercentage,
          meshWide:
            roots.has(telemetry.metadata.namespace ?? '') &&
            !isRecord(telemetry.spec?.selector) &&
            !Array.isArray(telemetry.spec?.targetRefs),
        });
      }
    });
  }
  return sources;
}

/** `revision 'default'`, `revisions 'default' and 'canary'`: how messages name revisions. */
export function revisionsNamed(
  revisions: ReadonlyArray<{ config: { revision: string } }>,
): string {
  const names = revisions.map(r => `'${r.config.revision}'`);
  return names.length === 1
    ? `revision ${names[0]}`
    : `revisions ${names.slice(0, -1).join(', ')} and ${
        names[names.length - 1]
      }`;
}
