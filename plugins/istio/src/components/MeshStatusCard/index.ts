export { MeshStatusCard } from './MeshStatusCard';
