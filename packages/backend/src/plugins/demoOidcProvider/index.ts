export { demoOidcProviderPlugin as default } from './plugin';
