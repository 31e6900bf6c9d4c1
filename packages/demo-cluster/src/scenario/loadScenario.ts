import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import type { Scenario } from './types';
import { validateScenarioAuth } from './validateAuth';

/** Folder of the committed scenario files. */
export const SCENARIO_DIR = path.join(
  path.dirname(require.resolve('@istio-backstage/demo-cluster/package.json')),
  'scenarios',
);

/** Names of the committed scenarios. */
export function listScenarios(): string[] {
  return fs
    .readdirSync(SCENARIO_DIR)
    .filter(f => f.endsWith('.yaml'))
    .map(f => f.replace(/\.yaml$/, ''))
    .sort();
}

/**
 * Loads a scenario by name (a file in `scenarios/`) or by path. A scenario may say
 * `extends: <name>` and override top-level keys. Its `auth` section is validated.
 */
export function loadScenario(nameOrPath: string): Scenario {
  const scenario = loadScenarioFile(nameOrPath);
  try {
    validateScenarioAuth(scenario.auth);
  } catch (error) {
    throw new Error(`scenario '${nameOrPath}': ${(error as Error).message}`);
  }
  return scenario;
}

function loadScenarioFile(nameOrPath: string): Scenario {
  const file = nameOrPath.endsWith('.yaml')
    ? path.resolve(nameOrPath)
    : path.join(SCENARIO_DIR, `${nameOrPath}.yaml`);
  if (!fs.existsSync(file)) {
    throw new Error(
      `No scenario '${nameOrPath}' (known: ${listScenarios().join(', ')})`,
    );
  }
  const raw = yaml.parse(fs.readFileSync(file, 'utf8')) as Partial<Scenario> & {
    extends?: string;
  };
  if (raw.extends) {
    const { extends: base, ...rest } = raw;
    const parent = loadScenarioFile(base);
    return mergeScenario(parent, rest);
  }
  return raw as Scenario;
}

/** Shallow override, except `istio`, which is merged one level deep. */
function mergeScenario(
  parent: Scenario,
  override: Partial<Scenario>,
): Scenario {
  return {
    ...parent,
    ...override,
    istio: { ...parent.istio, ...(override.istio ?? {}) },
  } as Scenario;
}

/** Replaces the filler with a generated mesh of the given size (the scale generator). */
export function withScale(
  scenario: Scenario,
  scale: {
    namespaces: number;
    servicesPerNamespace: number;
    podsPerService: number;
  },
): Scenario {
  return {
    ...scenario,
    filler: {
      ...(scenario.filler ?? { scopedFraction: 0.3, rps: 0.5 }),
      ...scale,
    },
  };
}
