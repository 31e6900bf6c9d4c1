import fs from 'node:fs';
import path from 'node:path';

// The config schemas packages ship, compiled and collected by Backstage's own config
// loader (as a backend does at start), and what each of them declares.

/** A JSON schema as the config loader produces it. */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema | JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  definitions?: Record<string, JsonSchema>;
  visibility?: string;
  deepVisibility?: string;
  description?: string;
  [keyword: string]: unknown;
};

/** One package's schema. */
export interface PackageSchema {
  packageName: string;
  value: JsonSchema;
}

type ConfigLoader = typeof import('@backstage/config-loader');

/** The schemas collected for some packages, and their merged schema. */
export interface CollectedSchemas {
  /** Each package's own schema. */
  schemas: PackageSchema[];
  /** All of them merged, as a backend checks its configuration with them. */
  merged: Awaited<ReturnType<ConfigLoader['loadConfigSchema']>>;
}

/**
 * Compiles, collects and merges the schemas of the given packages and of everything
 * they depend on (development dependencies included, as the loader does). Throws as a
 * backend's start would: on a schema that does not compile, or declarations that
 * cannot be merged.
 */
export async function collectSchemas(
  root: string,
  packageJsonPaths: string[],
): Promise<CollectedSchemas> {
  // The loader is a dependency of the repository's tooling, not of this plugin.
  const loader: ConfigLoader = require(require.resolve(
    '@backstage/config-loader',
    { paths: [root] },
  ));
  const merged = await loader.loadConfigSchema({
    dependencies: [],
    packagePaths: packageJsonPaths,
  });
  const schemas = merged.serialize().schemas as unknown as PackageSchema[];
  return { schemas, merged };
}

/**
 * The names of a package and of every package it needs at run time: its
 * dependencies, peer and optional dependencies, transitively (not its development
 * dependencies: they are not installed with it).
 */
export function runtimeClosure(packageDir: string): Set<string> {
  const names = new Set<string>();
  const visit = (dir: string) => {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(dir, 'package.json'), 'utf8'),
    );
    if (names.has(pkg.name)) return;
    names.add(pkg.name);
    for (const dependency of Object.keys({
      ...pkg.dependencies,
      ...pkg.peerDependencies,
      ...pkg.optionalDependencies,
    })) {
      let manifest: string;
      try {
        manifest = require.resolve(`${dependency}/package.json`, {
          paths: [dir],
        });
      } catch {
        continue; // An optional peer that is not installed, or no package.json export.
      }
      visit(path.dirname(manifest));
    }
  };
  visit(packageDir);
  return names;
}

/** `istio.clusters[].prometheus.url` → `['istio', 'clusters', '[]', 'prometheus', 'url']`. */
export function pathSegments(keyPath: string): string[] {
  return keyPath
    .split('.')
    .flatMap(key => (key.endsWith('[]') ? [key.slice(0, -2), '[]'] : [key]));
}

/** The schema a `$ref` points at, in the schema document `rootSchema`. */
function resolved(schema: JsonSchema, rootSchema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = decodeURIComponent(schema.$ref.replace('#/definitions/', ''));
  return resolved(rootSchema.definitions?.[name] ?? {}, rootSchema);
}

/**
 * The schemas that describe the value at `segments` below `schema`: properties,
 * array items (`[]`), index signatures (`*` or any key they accept) and every branch
 * of `anyOf`/`oneOf`/`allOf`. `additionalProperties: true` declares nothing.
 */
export function schemasAt(
  schema: JsonSchema,
  segments: string[],
  rootSchema: JsonSchema = schema,
): JsonSchema[] {
  const here = resolved(schema, rootSchema);
  const branches = [
    ...(here.anyOf ?? []),
    ...(here.oneOf ?? []),
    ...(here.allOf ?? []),
  ].flatMap(branch => schemasAt(branch, segments, rootSchema));
  if (segments.length === 0) return [here, ...branches];
  const [segment, ...rest] = segments;
  const next: JsonSchema[] = [];
  if (segment === '[]') {
    if (Array.isArray(here.items)) next.push(...here.items);
    else if (here.items) next.push(here.items);
  } else {
    const property = segment === '*' ? undefined : here.properties?.[segment];
    if (property) next.push(property);
    for (const [pattern, value] of Object.entries(here.patternProperties ?? {}))
      if (segment === '*' || new RegExp(pattern).test(segment))
        next.push(value);
    if (typeof here.additionalProperties === 'object')
      next.push(here.additionalProperties);
  }
  return [
    ...next.flatMap(child => schemasAt(child, rest, rootSchema)),
    ...branches,
  ];
}

/** Whether a schema declares the key path (`istio.clusters[].name`). */
export function declares(schema: JsonSchema, keyPath: string): boolean {
  return schemasAt(schema, pathSegments(keyPath)).length > 0;
}

/**
 * Every key path a schema declares, with the schema there: objects' properties,
 * `[]` for array items, `*` for index signatures (not through `anyOf` branches,
 * which our own schemas only use for imported types).
 */
export function declaredPaths(
  schema: JsonSchema,
  prefix = '',
  rootSchema: JsonSchema = schema,
): Array<{ path: string; schema: JsonSchema }> {
  const here = resolved(schema, rootSchema);
  const children: Array<[string, JsonSchema]> = [
    ...Object.entries(here.properties ?? {}).map(
      ([key, value]): [string, JsonSchema] => [
        prefix ? `${prefix}.${key}` : key,
        value,
      ],
    ),
  ];
  if (here.items && !Array.isArray(here.items))
    children.push([`${prefix}[]`, here.items]);
  if (typeof here.additionalProperties === 'object')
    children.push([`${prefix}.*`, here.additionalProperties]);
  return children.flatMap(([childPath, child]) => [
    { path: childPath, schema: resolved(child, rootSchema) },
    ...declaredPaths(child, childPath, rootSchema),
  ]);
}

/** A schema without its documentation, to compare what two declarations accept. */
export function withoutDocs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDocs);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key !== 'description')
      .map(([key, value]) => [key, withoutDocs(value)]),
  );
}
