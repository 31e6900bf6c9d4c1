export { UnusableClusters } from './UnusableClusters';
