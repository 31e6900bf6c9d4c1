import type { IstioMeshConfig } from '@istio-backstage/plugin-istio-common';
import type { MeshInventory } from '../inventory';
import { meshRevisions, type MeshRevision } from '../meshRevisions';
import {
  describeObject,
  makeDiagnostic,
  yamlDocs,
  type DiagnosticRule,
  type ObjectRef,
} from './diagnostic';
import {
  apiVersions,
  controlPlaneSamplingSources,
  meshConfigMapRef,
  revisionsNamed,
  telemetrySamplingSources,
  type SamplingSource,
} from './istio';
import { firstRootNamespace } from './tracingYaml';

/** Proxies from which tracing every request is considered expensive. */
export const LARGE_MESH_PROXIES = 100;

/** Percentage to recommend instead of 100 % (Istio's own default). */
const RECOMMENDED_SAMPLING = 1;

/** A Telemetry's spec with every tracing entry's percentage set to `value`, the rest kept. */
function telemetryWithSampling(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
  object: ObjectRef,
  value: number,
) {
  const telemetry = inventory.telemetries?.find(
    t =>
      t.metadata.namespace === object.namespace &&
      t.metadata.name === object.name,
  );
  const spec = JSON.parse(JSON.stringify(telemetry?.spec ?? {}));
  const tracing: unknown[] = Array.isArray(spec.tracing) ? spec.tracing : [{}];
  spec.tracing = tracing.map(entry =>
    typeof entry === 'object' && entry !== null
      ? { ...entry, randomSamplingPercentage: value }
      : entry,
  );
  return {
    apiVersion: telemetry?.apiVersion ?? apiVersions(mesh).telemetry,
    kind: 'Telemetry',
    metadata: { name: object.name, namespace: object.namespace },
    spec,
  };
}

/** `spec.revision` for an IstioOperator of a revision other than `default`. */
const revisionSpec = (revision: string | undefined) =>
  revision && revision !== 'default' ? { revision } : {};

/** How to write a sampling value, in the place where it is written. */
function samplingYaml(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
  where: { source?: SamplingSource; revision?: MeshRevision },
  value: number,
  comment: string,
) {
  const { source, revision } = where;
  if (source?.object.kind === 'Telemetry')
    return yamlDocs({
      comment,
      value: telemetryWithSampling(inventory, mesh, source.object, value),
    });
  const rev = source?.revision ?? revision?.config.revision;
  if (source?.object.kind === 'Deployment')
    return yamlDocs({
      comment: `${comment} (istiod env PILOT_TRACE_SAMPLING; Helm: pilot.traceSampling)`,
      value: {
        apiVersion: 'install.istio.io/v1alpha1',
        kind: 'IstioOperator',
        spec: {
          ...revisionSpec(rev),
          values: { pilot: { traceSampling: value } },
        },
      },
    });
  if (revision?.tracing.configuredIn === 'extensionProviders+Telemetry')
    return yamlDocs({
      comment,
      value: {
        apiVersion: apiVersions(mesh).telemetry,
        kind: 'Telemetry',
        metadata: {
          name: 'mesh-default',
          namespace: revision.config.known
            ? revision.config.rootNamespace
            : firstRootNamespace(inventory, mesh),
        },
        spec: { tracing: [{ randomSamplingPercentage: value }] },
      },
    });
  return yamlDocs({
    comment: `${comment} (IstioOperator; with Helm the same meshConfig block goes into the istiod values)`,
    value: {
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      spec: {
        ...revisionSpec(rev),
        meshConfig: { defaultConfig: { tracing: { sampling: value } } },
      },
    },
  });
}

/** Where a revision's mesh-wide sampling is written, from what decided it. */
function samplingSourceOf(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
  r: MeshRevision,
): SamplingSource | undefined {
  const decided = r.tracing.decidedBy?.sampling ?? '';
  const telemetry = /^Telemetry ([^/\s]+)\/(\S+)$/.exec(decided);
  if (telemetry)
    return telemetrySamplingSources(inventory, mesh).find(
      s =>
        s.object.namespace === telemetry[1] && s.object.name === telemetry[2],
    );
  const written = controlPlaneSamplingSources(inventory, mesh).filter(
    s => s.revision === r.config.revision,
  );
  if (decided.startsWith('MeshConfig defaultConfig.tracing.sampling'))
    return written.find(s => s.object.kind === 'ConfigMap');
  if (decided.startsWith('istiod env PILOT_TRACE_SAMPLING'))
    return written.find(s => s.object.kind === 'Deployment');
  return undefined;
}

/** Whether a revision's mesh-wide tracing is on (so its sampling costs something). */
function tracingOn(r: MeshRevision): boolean {
  const { tracing } = r;
  if (tracing.configuredIn === 'extensionProviders+Telemetry')
    return Boolean(tracing.provider) && !tracing.spanReportingDisabled;
  return tracing.enabled === 'yes';
}

/**
 * Tracing every request in a mesh of {@link LARGE_MESH_PROXIES} proxies or more, per
 * control plane revision (revisions sampled from the same place share the finding).
 */
export const fullSamplingInLargeMesh: DiagnosticRule = (inventory, mesh) => {
  const proxies = mesh.meshSize.proxies;
  if (proxies === undefined || proxies < LARGE_MESH_PROXIES) return [];
  const byObject = new Map<
    string,
    { source?: SamplingSource; object?: ObjectRef; revisions: MeshRevision[] }
  >();
  for (const r of meshRevisions(inventory, mesh.controlPlanes).revisions) {
    const percent = r.tracing.samplingPercent;
    if (!tracingOn(r) || percent === undefined || percent < 100) continue;
    const source = samplingSourceOf(inventory, mesh, r);
    const object = source?.object ?? meshConfigMapRef(r.controlPlane);
    const key = describeObject(object);
    const entry = byObject.get(key) ?? { source, object, revisions: [] };
    entry.revisions.push(r);
    byObject.set(key, entry);
  }
  return [...byObject.values()].map(({ source, object, revisions }) => {
    const [first] = revisions;
    const where = source
      ? `${describeObject(source.object)} (${source.field})`
      : describeObject(object!);
    return makeDiagnostic('IBS-TRACING-FULL-SAMPLING', {
      object,
      message: `Tracing of ${revisionsNamed(revisions)} samples ${
        first.tracing.samplingPercent
      } % of requests, set in ${where}, in a mesh of ${proxies} proxies: every request of every proxy is traced, at a real CPU, network and storage cost.`,
      fix: {
        text: `Set the mesh-wide sampling to ${RECOMMENDED_SAMPLING} % (or a few percent) and raise it only where needed with a namespace- or workload-level Telemetry.`,
        yaml: samplingYaml(
          inventory,
          mesh,
          { source, revision: first },
          RECOMMENDED_SAMPLING,
          `Mesh-wide sampling of ${RECOMMENDED_SAMPLING} %`,
        ),
      },
    });
  });
};

/**
 * Sampling written as a fraction (0 < value ≤ 1), such as `sampling: 1.0`, in a
 * revision's MeshConfig `defaultConfig.tracing.sampling` (or istiod's
 * `PILOT_TRACE_SAMPLING`), whose names do not say they are percentages: Istio reads
 * 1.0 as 1 %, not 100 %. Telemetry `randomSamplingPercentage` says so in its name and
 * is never flagged. Only explicitly written values count.
 */
export const samplingWrittenAsFraction: DiagnosticRule = (inventory, mesh) =>
  controlPlaneSamplingSources(inventory, mesh)
    .filter(source => source.value > 0 && source.value <= 1)
    .map(source => {
      const oneIn = Math.round(100 / source.value);
      return makeDiagnostic('IBS-TRACING-SAMPLING-FRACTION', {
        object: source.object,
        message: `${describeObject(source.object)} (revision '${
          source.revision
        }') sets ${source.field} to ${
          source.value
        }. Istio reads this as a percentage: ${
          source.value
        } % of requests (about 1 in ${oneIn}) are traced, not ${
          source.value * 100
        } %.`,
        fix: {
          text: `If you meant to trace every request write 100; if you meant ${source.value} %, nothing to change (1 is Istio's default).`,
          yaml: samplingYaml(
            inventory,
            mesh,
            { source },
            100,
            'Trace every request (sampling is a percentage, 0–100)',
          ),
        },
      });
    });
