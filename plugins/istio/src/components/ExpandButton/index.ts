export { ExpandButton } from './ExpandButton';
