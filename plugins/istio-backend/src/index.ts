/**
 * Backstage backend plugin for Istio service meshes.
 *
 * @packageDocumentation
 */

export { istioPlugin as default } from './plugin';
