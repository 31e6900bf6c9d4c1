export { DiagnosticGroups } from './DiagnosticGroups';
