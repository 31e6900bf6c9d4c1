export { createLiveMeshLists, type LiveMeshLists } from './liveMeshLists';
