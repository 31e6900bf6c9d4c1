export {
  escapeLabelValue,
  PrometheusClient,
  PrometheusError,
} from './PrometheusClient';
export type { PrometheusSample } from './PrometheusClient';
export { readPrometheusConnection } from './readPrometheusConnection';
export type { PrometheusConnection } from './types';
