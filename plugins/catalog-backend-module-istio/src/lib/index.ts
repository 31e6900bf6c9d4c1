export * from './keys';
export * from './namespaceEntity';
export { normalizeOwnerRef } from './ownerRef';
export { readNamespaceProviderConfig } from './config';
export type { NamespaceProviderConfig } from './config';
