// Just enough OpenAPI v3 for kubectl: the index of group/versions and, per group
// version, the PATCH operations with their group-version-kind and the
// `fieldValidation` parameter, which tells kubectl to let the server validate
// (`kubectl apply` refuses to run without some OpenAPI). Schemas are open, as for CRDs
// without a structural schema.
import { groupVersion, type ResourceType } from '../store/resources';

function gvPath(group: string, version: string) {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** Every served group/version. */
function groupVersions(types: ResourceType[]) {
  const result = new Map<string, { group: string; version: string }>();
  for (const t of types)
    for (const v of t.versions)
      result.set(gvPath(t.group, v), { group: t.group, version: v });
  return result;
}

/** `GET /openapi/v3` */
export function openApiIndex(types: ResourceType[]) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const path of groupVersions(types).keys()) {
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=0` };
  }
  return { paths };
}

/** `GET /openapi/v3/<api|apis/group>/<version>`, or undefined when not served. */
export function openApiGroupVersion(
  types: ResourceType[],
  path: string,
  kubernetesVersion: string,
) {
  const gv = groupVersions(types).get(path);
  if (!gv) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const t of types.filter(
    r => r.group === gv.group && r.versions.includes(gv.version),
  )) {
    const gvk = { group: t.group, version: gv.version, kind: t.kind };
    const base = `/${gvPath(t.group, gv.version)}${
      t.namespaced ? '/namespaces/{namespace}' : ''
    }/${t.plural}/{name}`;
    const parameters = [
      {
        name: 'dryRun',
        in: 'query',
        schema: { type: 'string', uniqueItems: true },
      },
      {
        name: 'fieldManager',
        in: 'query',
        schema: { type: 'string', uniqueItems: true },
      },
      {
        name: 'fieldValidation',
        in: 'query',
        schema: { type: 'string', uniqueItems: true },
      },
      {
        name: 'force',
        in: 'query',
        schema: { type: 'boolean', uniqueItems: true },
      },
    ];
    paths[base] = {
      get: {
        operationId: `read${t.kind}`,
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': gvk,
        responses: { '200': { description: 'OK' } },
      },
      ...(t.writable
        ? {
            patch: {
              operationId: `patch${t.kind}`,
              parameters,
              'x-kubernetes-action': 'patch',
              'x-kubernetes-group-version-kind': gvk,
              responses: { '200': { description: 'OK' } },
            },
            delete: {
              operationId: `delete${t.kind}`,
              'x-kubernetes-action': 'delete',
              'x-kubernetes-group-version-kind': gvk,
              responses: { '200': { description: 'OK' } },
            },
          }
        : {}),
    };
    schemas[`${t.group || 'core'}.${gv.version}.${t.kind}`] = {
      type: 'object',
      'x-kubernetes-group-version-kind': [gvk],
      'x-kubernetes-preserve-unknown-fields': true,
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: kubernetesVersion },
    paths,
    components: { schemas },
  };
}

export { groupVersion };
