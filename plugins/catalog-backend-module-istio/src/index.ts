/**
 * Catalog module for Istio: registers the mesh namespaces created by Backstage
 * (`istio:namespace:create`) as `Resource` entities.
 *
 * @packageDocumentation
 */

export { catalogModuleIstioMeshNamespaces as default } from './module';
export * from './provider';
