export { LinksCard } from './LinksCard';
