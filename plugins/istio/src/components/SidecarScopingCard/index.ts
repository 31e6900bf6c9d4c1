export { SidecarScopingCard } from './SidecarScopingCard';
