export { scaffolderModuleIstio as default } from './module';
