export { createLiveServices, type LiveServices } from './liveServices';
