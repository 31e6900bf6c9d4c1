export * from './fieldManagers';
export * from './namespaceOwners';
