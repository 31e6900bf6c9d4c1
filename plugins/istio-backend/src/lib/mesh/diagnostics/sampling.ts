import type { IstioMeshConfig } from '@istio-backstage/plugin-istio-common';
import type { MeshInventory } from '../inventory';
import {
  describeObject,
  makeDiagnostic,
  yamlDocs,
  type DiagnosticRule,
  type ObjectRef,
} from './diagnostic';
import {
  apiVersions,
  meshConfigMapRef,
  samplingSources,
  type SamplingSource,
} from './istio';
import { firstRootNamespace } from './tracingYaml';

/** Proxies from which tracing every request is considered expensive. */
export const LARGE_MESH_PROXIES = 100;

/** Percentage to recommend instead of 100 % (Istio's own default). */
const RECOMMENDED_SAMPLING = 1;

/** How to write a sampling value, in the place where it is written. */
function samplingYaml(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
  source: SamplingSource | undefined,
  value: number,
  comment: string,
) {
  if (source?.object.kind === 'Telemetry') {
    // Keep the Telemetry's providers and other fields: only the percentage changes.
    const telemetry = inventory.telemetries?.find(
      t =>
        t.metadata.namespace === source.object.namespace &&
        t.metadata.name === source.object.name,
    );
    const spec = JSON.parse(JSON.stringify(telemetry?.spec ?? {}));
    const tracing: unknown[] = Array.isArray(spec.tracing)
      ? spec.tracing
      : [{}];
    spec.tracing = tracing.map(entry =>
      typeof entry === 'object' && entry !== null
        ? { ...entry, randomSamplingPercentage: value }
        : entry,
    );
    return yamlDocs({
      comment,
      value: {
        apiVersion: telemetry?.apiVersion ?? apiVersions(mesh).telemetry,
        kind: 'Telemetry',
        metadata: {
          name: source.object.name,
          namespace: source.object.namespace,
        },
        spec,
      },
    });
  }
  if (source?.object.kind === 'Deployment') {
    return yamlDocs({
      comment: `${comment} (istiod env PILOT_TRACE_SAMPLING; Helm: pilot.traceSampling)`,
      value: {
        apiVersion: 'install.istio.io/v1alpha1',
        kind: 'IstioOperator',
        spec: { values: { pilot: { traceSampling: value } } },
      },
    });
  }
  if (mesh.tracing.configuredIn === 'extensionProviders+Telemetry') {
    return yamlDocs({
      comment,
      value: {
        apiVersion: apiVersions(mesh).telemetry,
        kind: 'Telemetry',
        metadata: {
          name: 'mesh-default',
          namespace: firstRootNamespace(inventory, mesh),
        },
        spec: { tracing: [{ randomSamplingPercentage: value }] },
      },
    });
  }
  return yamlDocs({
    comment: `${comment} (IstioOperator; with Helm the same meshConfig block goes into the istiod values)`,
    value: {
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      spec: {
        meshConfig: { defaultConfig: { tracing: { sampling: value } } },
      },
    },
  });
}

/** Tracing every request in a mesh of {@link LARGE_MESH_PROXIES} proxies or more. */
export const fullSamplingInLargeMesh: DiagnosticRule = (inventory, mesh) => {
  const { tracing, meshSize } = mesh;
  const proxies = meshSize.proxies;
  if (tracing.enabled !== 'yes' || tracing.samplingPercent === undefined) {
    return [];
  }
  if (tracing.samplingPercent < 100 || proxies === undefined) return [];
  if (proxies < LARGE_MESH_PROXIES) return [];

  const sources = samplingSources(inventory, mesh).filter(s => s.value >= 100);
  const source = sources.find(s => s.meshWide) ?? sources[0];
  const object: ObjectRef | undefined =
    source?.object ??
    (mesh.controlPlanes[0] && meshConfigMapRef(mesh.controlPlanes[0]));
  let where = 'the mesh tracing configuration';
  if (source) where = `${describeObject(source.object)} (${source.field})`;
  else if (object) where = describeObject(object);
  return [
    makeDiagnostic('IBS-TRACING-FULL-SAMPLING', {
      object,
      message: `Tracing samples ${tracing.samplingPercent} % of requests, set in ${where}, in a mesh of ${proxies} proxies: every request of every proxy is traced, at a real CPU, network and storage cost.`,
      fix: {
        text: `Set the mesh-wide sampling to ${RECOMMENDED_SAMPLING} % (or a few percent) and raise it only where needed with a namespace- or workload-level Telemetry.`,
        yaml: samplingYaml(
          inventory,
          mesh,
          source,
          RECOMMENDED_SAMPLING,
          `Mesh-wide sampling of ${RECOMMENDED_SAMPLING} %`,
        ),
      },
    }),
  ];
};

/**
 * Sampling written as a fraction (0 < value ≤ 1), such as `sampling: 1.0`: Istio
 * reads percentages, so 1.0 is 1 %, not 100 %. Only explicitly written values count.
 */
export const samplingWrittenAsFraction: DiagnosticRule = (inventory, mesh) =>
  samplingSources(inventory, mesh)
    .filter(source => source.value > 0 && source.value <= 1)
    .map(source => {
      const oneIn = Math.round(100 / source.value);
      return makeDiagnostic('IBS-TRACING-SAMPLING-FRACTION', {
        object: source.object,
        message: `${describeObject(source.object)} sets ${source.field} to ${
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
            source,
            100,
            'Trace every request (sampling is a percentage, 0–100)',
          ),
        },
      });
    });
