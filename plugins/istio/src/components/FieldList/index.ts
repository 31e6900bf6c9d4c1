export { FieldList } from './FieldList';
export type { Field } from './FieldList';
