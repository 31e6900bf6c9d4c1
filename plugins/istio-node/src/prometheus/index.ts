export {
  escapeLabelValue,
  PrometheusClient,
  PrometheusError,
} from './PrometheusClient';
export type { PrometheusSample } from './PrometheusClient';
