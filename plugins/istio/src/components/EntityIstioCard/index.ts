export { EntityIstioCard } from './EntityIstioCard';
