import { isAllowed, type Permissions, type ResourceAttributes } from './rbac';
import { ApiError } from './status';

/** An authenticated caller and what it may do. */
export interface Caller {
  user: string;
  permissions: Permissions;
}

/** The 403 kube-apiserver answers when RBAC denies a request. */
export function forbiddenError(
  user: string,
  attributes: ResourceAttributes,
): ApiError {
  const { verb, group, resource, subresource, name, namespace } = attributes;
  const what = `${resource}${group ? `.${group}` : ''}${
    name ? ` "${name}"` : ''
  }`;
  const full = subresource ? `${resource}/${subresource}` : resource;
  return new ApiError(
    403,
    'Forbidden',
    `${what} is forbidden: User "${user}" cannot ${verb} resource "${full}" in API group "${group}"${
      namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'
    }`,
    { name, group, kind: resource },
  );
}

/** Throws the 403 unless the caller's permissions allow the request. */
export function authorize(caller: Caller, attributes: ResourceAttributes) {
  if (!isAllowed(caller.permissions, attributes))
    throw forbiddenError(caller.user, attributes);
}
