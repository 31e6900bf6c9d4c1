export { createMemoryFits, type MemoryFits } from './memoryFits';
