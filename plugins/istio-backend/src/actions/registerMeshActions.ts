import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { istioMeshReadPermission } from '@istio-backstage/plugin-istio-common';
import { authorizeMeshRead, strictEntityRef } from '../lib/accessChecks';
import type { EntityMeshService } from '../services/EntityMeshService';
import type { SidecarMemoryService } from '../services/SidecarMemoryService';
import { meshSummary, recommendationSummary } from './summaries';

type Zod = Parameters<
  Parameters<ActionsRegistryService['register']>[0]['schema']['input']
>[0];

const errorsSchema = (z: Zod) =>
  z
    .array(
      z.object({
        cluster: z.string(),
        errorType: z.string(),
        message: z.string(),
      }),
    )
    .describe('Clusters that could not be read; the others are answered');

const entityRefInput = (z: Zod) =>
  z
    .string()
    .min(3)
    .max(300)
    .describe('Catalog entity ref, e.g. component:default/productpage');

/** What `get-mesh-summary` answers. */
const meshSummaryOutput = (z: Zod) =>
  z.object({
    entityRef: z.string().optional(),
    workloads: z.array(
      z.object({
        cluster: z.string(),
        namespace: z.string(),
        pod: z.string(),
        workload: z.string().optional(),
        proxyKind: z.string(),
        proxyVersion: z.string().optional(),
        memoryNowBytes: z.number().optional(),
      }),
    ),
    clusters: z.array(
      z.object({
        cluster: z.string(),
        kubernetesVersion: z.string().optional(),
        istioInstalled: z.string(),
        controlPlanes: z.array(
          z.object({
            revision: z.string(),
            namespace: z.string(),
            version: z.string().optional(),
            support: z.string(),
            supportReasons: z.array(z.string()),
          }),
        ),
        tracing: z.object({
          enabled: z.string(),
          samplingPercent: z.number().optional(),
          provider: z.string().optional(),
          collector: z.string().optional(),
          configuredIn: z.string(),
        }),
        diagnostics: z.array(
          z.object({
            code: z.string(),
            severity: z.string(),
            scope: z
              .enum(['mesh', 'namespace', 'object'])
              .describe(
                'mesh: affects every workload; namespace: the workloads of the namespace it names; object: the one object it names',
              ),
            topic: z
              .string()
              .describe(
                'What it is about: tracing, versions, control-plane, data-plane, gateways, sidecars or observability',
              ),
            message: z.string(),
            fix: z.string(),
          }),
        ),
      }),
    ),
    errors: errorsSchema(z),
  });

/** What `get-sidecar-recommendation` answers. */
const recommendationOutput = (z: Zod) =>
  z.object({
    entityRef: z.string().optional(),
    items: z.array(
      z.object({
        cluster: z.string(),
        namespace: z.string(),
        recommended: z.boolean(),
        scope: z.string().optional(),
        yaml: z.string().optional(),
        hosts: z.array(
          z.object({ host: z.string(), reasons: z.array(z.string()) }),
        ),
        servicesVisibleBefore: z.number().optional(),
        servicesVisibleAfter: z.number().optional(),
        estimatedSavingPerPodBytes: z.number().optional(),
        estimatedSavingTotalBytes: z.number().optional(),
        estimateExplanation: z.string().optional(),
        warnings: z.array(z.string()),
      }),
    ),
    errors: errorsSchema(z),
  });

/** What the actions need. */
interface MeshActionsOptions {
  actionsRegistry: ActionsRegistryService;
  permissions: PermissionsService;
  entityMesh: EntityMeshService;
  sidecarMemory: SidecarMemoryService;
}

/**
 * Registers the read-only actions MCP clients and other tools call: an entity's
 * mesh summary and its Sidecar recommendation. They check `istio.mesh.read` for
 * the caller like the HTTP routes do, and read the catalog on the caller's behalf.
 */
export function registerMeshActions(options: MeshActionsOptions) {
  registerMeshSummaryAction(options);
  registerRecommendationAction(options);
}

/** The entity's ref in full, once the caller may read the mesh. */
async function authorizedRef(
  { permissions }: MeshActionsOptions,
  entityRef: string,
  credentials: BackstageCredentials,
): Promise<string> {
  await authorizeMeshRead(permissions, credentials);
  return strictEntityRef(entityRef);
}

/** `get-mesh-summary`: the entity's proxies, its clusters' control planes, tracing and diagnostics. */
function registerMeshSummaryAction(options: MeshActionsOptions): void {
  const { actionsRegistry, entityMesh } = options;
  actionsRegistry.register({
    name: 'get-mesh-summary',
    title: 'Service mesh summary of an entity',
    description:
      "Returns a catalog entity's Istio mesh status: its pods and their proxies (sidecar, ambient or none, version, istio-proxy memory), each cluster's control plane with its support verdict, tracing (sampling, provider, collector), and the diagnostics that concern the entity's namespaces. Clusters that could not be read are listed in errors.",
    visibilityPermission: istioMeshReadPermission,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }),
      output: meshSummaryOutput,
    },
    // The same answer as the entity's Service Mesh tab, so both show the same findings.
    action: async ({ input, credentials }) => {
      const entityRef = await authorizedRef(
        options,
        input.entityRef,
        credentials,
      );
      return {
        output: meshSummary(
          await entityMesh.getEntityMesh({ entityRef }, { credentials }),
        ),
      };
    },
  });
}

/** `get-sidecar-recommendation`: the Sidecar YAML, its hosts with reasons, and the saving. */
function registerRecommendationAction(options: MeshActionsOptions): void {
  options.actionsRegistry.register({
    name: 'get-sidecar-recommendation',
    title: 'Recommended Istio Sidecar for an entity',
    description:
      "Returns the Istio Sidecar resource recommended for a catalog entity's workloads in each cluster namespace: the YAML, each egress host with the reasons it is kept (observed traffic, catalog dependencies, control plane, tracing collector), services visible before and after, and the estimated istio-proxy memory saving. Read-only: applying is done by the entity's owners in Backstage.",
    visibilityPermission: istioMeshReadPermission,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }),
      output: recommendationOutput,
    },
    action: async ({ input, credentials }) => {
      const entityRef = await authorizedRef(
        options,
        input.entityRef,
        credentials,
      );
      return {
        output: recommendationSummary(
          await options.sidecarMemory.getSidecarMemory(
            { entityRef },
            { credentials },
          ),
        ),
      };
    },
  });
}
