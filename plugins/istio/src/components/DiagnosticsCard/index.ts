export { DiagnosticsCard } from './DiagnosticsCard';
