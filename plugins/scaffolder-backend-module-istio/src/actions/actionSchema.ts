import type { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';

/** An action's input or output schema: a zod schema per field, built from the scaffolder's zod. */
type ActionSchema = NonNullable<
  NonNullable<TemplateActionOptions['schema']>['input']
>;

/**
 * Types an action's input or output schema where it is declared, so it can live
 * outside the `createTemplateAction` call and keep its exact field types.
 */
export function actionSchema<T extends ActionSchema>(schema: T): T {
  return schema;
}
