export { registerMeshActions } from './registerMeshActions';
