/**
 * Node library shared by the Istio backend plugin and its scaffolder module: cluster
 * configuration and access.
 *
 * @packageDocumentation
 */

export * from './clusters';
export * from './access';
export * from './prometheus';
export * from './ownership';
