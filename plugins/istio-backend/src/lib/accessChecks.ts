import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { istioMeshReadPermission } from '@istio-backstage/plugin-istio-common';

/**
 * Throws a `NotAllowedError` unless the caller may read the service mesh
 * (`istio.mesh.read`). Callers check it before any cluster or Prometheus I/O.
 */
export async function authorizeMeshRead(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
): Promise<void> {
  const [decision] = await permissions.authorize(
    [{ permission: istioMeshReadPermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError('Not allowed to read the service mesh');
  }
}

/** An entity ref in its full form (`kind:namespace/name`); an `InputError` when malformed. */
export function strictEntityRef(raw: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(raw));
  } catch (error) {
    throw new InputError(`Malformed entityRef: ${(error as Error).message}`);
  }
}
