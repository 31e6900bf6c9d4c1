import type { IstioSidecarWarning } from '@istio-backstage/plugin-istio-common';
import { byAge, selectorMatches } from '../mesh/dataPlane';
import type { RecommendationInput, SidecarObject, WorkloadInfo } from './types';
import { proxyOfWorkload, sidecarInForce } from './visibility';
import { listNames } from './format';
import { selectorChooser, sidecarObjectName } from './workloadSelector';
import {
  describeSelector,
  entitySelectorChoice,
  entitySidecarPlan,
  freeName,
  perWorkloadWarning,
  type EntitySidecarPlan,
} from './entityScope';

/** A Sidecar the recommendation will write, before hosts are attached. */
export interface PlannedObject {
  name: string;
  workloadSelector?: Record<string, string>;
  /** Entity workloads it is meant for (its hosts are the union of theirs). */
  workloads: Set<string>;
  /** Takes every host (the namespace default). */
  everyHost: boolean;
  outboundTrafficPolicy?: string;
  replaces?: SidecarObject;
  /** Selects the entity's pods by the entity's own label (versions deployed later too). */
  forEntity?: boolean;
}

/** The recommendation's scope and the Sidecars it writes. */
export interface Plan {
  scope: 'namespace' | 'workload';
  objects: PlannedObject[];
}

/** What planning needs at every step. */
interface Planning {
  input: RecommendationInput;
  meshed: readonly WorkloadInfo[];
  entityNames: ReadonlySet<string>;
  /** Which existing Sidecar configures each entity proxy now, with those proxies. */
  inForce: Map<SidecarObject, string[]>;
  /**
   * Warns that `s` configures `workloads` now (or, `inForce` false, selects them but
   * loses to an older one), and what the recommendation does to it.
   */
  warn: (
    s: SidecarObject,
    workloads: string[],
    action: string,
    inForce?: boolean,
  ) => void;
}

/**
 * Decides scope and objects, and warns about Sidecars already in force:
 *
 * - the entity owns every sidecar workload of the namespace: one namespace default,
 *   and selector Sidecars that select only entity workloads replaced in place;
 * - else one Sidecar selecting the entity by the label its pods are matched with
 *   (stable across versions), when that label selects exactly the entity's pods and
 *   its workloads all need the same hosts (`differingHosts()` is empty) or a Sidecar
 *   with that selector exists already;
 * - else, saying why, selector Sidecars that select only entity workloads are replaced
 *   and each workload not covered yet gets a Sidecar of its own.
 */
export function planObjects(
  input: RecommendationInput,
  meshed: readonly WorkloadInfo[],
  warnings: IstioSidecarWarning[],
  differingHosts: () => readonly string[] = () => [],
): Plan {
  const planning = startPlanning(input, meshed, warnings);
  const refused = input.entity?.namespaceDefaultRefused;
  if (ownsNamespace(planning) && refused) {
    warnings.push({
      code: 'namespace-default-not-yours',
      message: `No Sidecar for the whole namespace: ${refused}. The recommendation selects this entity's workloads only.`,
    });
  } else if (ownsNamespace(planning)) {
    const replacing = replaceSelectorSidecars(planning);
    const namespaceDefault = planNamespaceDefault(planning);
    return { scope: 'namespace', objects: [namespaceDefault, ...replacing] };
  }
  const choice = entitySelectorChoice(input, meshed);
  const differing = choice.labels ? differingHosts() : [];
  if (choice.labels) {
    const plan = entitySidecarPlan(input, meshed, choice.labels);
    // A Sidecar selecting the entity already: it keeps scoping every version (with
    // the union of their hosts) rather than flip to per-version ones that it, being
    // older, would override.
    if (differing.length === 0 || plan.replaces) {
      return {
        scope: 'workload',
        objects: [planEntitySidecar(planning, choice.labels, plan)],
      };
    }
  }
  const why = perWorkloadWarning(choice.why, differing, meshed);
  if (input.entity && why) warnings.push(why);
  const replacing = replaceSelectorSidecars(planning);
  warnDefaultsOverridden(planning);
  return {
    scope: 'workload',
    objects: [
      ...replacing,
      ...planWorkloadSidecars(planning, replacing, warnings),
    ],
  };
}

/** Finds the Sidecar in force for each entity proxy, and how to warn about them. */
function startPlanning(
  input: RecommendationInput,
  meshed: readonly WorkloadInfo[],
  warnings: IstioSidecarWarning[],
): Planning {
  const root = input.rootNamespace;
  const inForce = new Map<SidecarObject, string[]>();
  for (const w of meshed) {
    const s = sidecarInForce(input.sidecars, proxyOfWorkload(w), root);
    if (s) inForce.set(s, [...(inForce.get(s) ?? []), w.name]);
  }
  const warn: Planning['warn'] = (s, workloads, action, now = true) =>
    warnings.push({
      code: 'existing-sidecar',
      ...(workloads.length === 1 ? { workload: workloads[0] } : {}),
      message: `${describeSidecar(s, root)} ${
        now ? 'applies to' : 'also selects'
      } ${listNames(workloads)}${now ? ' now' : ''}; ${action}`,
    });
  return {
    input,
    meshed,
    entityNames: new Set(input.entityWorkloads.map(w => w.name)),
    inForce,
    warn,
  };
}

/**
 * Whether the entity owns every workload of the namespace that a Sidecar configures.
 * Gateways and workloads without a proxy are not configured by Sidecars: they do not
 * make the namespace shared.
 */
function ownsNamespace({ input, entityNames }: Planning): boolean {
  return input.namespaceWorkloads
    .filter(w => w.hasSidecar && !w.isGateway)
    .every(w => entityNames.has(w.name));
}

/**
 * Selector Sidecars in force that select only entity workloads are replaced (same name
 * and selector): a second matching Sidecar would lose to the older one. One that also
 * selects other workloads is left alone, with a warning.
 */
function replaceSelectorSidecars(planning: Planning): PlannedObject[] {
  const { input, entityNames, inForce, warn } = planning;
  const objects: PlannedObject[] = [];
  for (const [s, workloads] of inForce) {
    if (!s.workloadSelector) continue;
    const selector = s.workloadSelector;
    const foreign = input.namespaceWorkloads
      .filter(
        w =>
          w.hasSidecar &&
          !w.isGateway &&
          !entityNames.has(w.name) &&
          selectorMatches(selector, w.labels),
      )
      .map(w => w.name);
    if (foreign.length > 0) {
      warn(
        s,
        workloads,
        `it also selects ${listNames(
          foreign,
        )}, which this entity does not own, so it is not replaced. Being older, it keeps precedence over the recommended Sidecar: narrow its selector or delete it before applying.`,
      );
      continue;
    }
    objects.push({
      name: s.name,
      workloadSelector: selector,
      workloads: new Set(workloads),
      everyHost: false,
      ...(s.outboundTrafficPolicy
        ? { outboundTrafficPolicy: s.outboundTrafficPolicy }
        : {}),
      replaces: s,
    });
    warn(
      s,
      workloads,
      `the recommendation replaces it (same name and selector${
        s.outboundTrafficPolicy ? ', outboundTrafficPolicy kept' : ''
      }).`,
    );
  }
  return objects;
}

/**
 * The selector-less Sidecar for the whole namespace. It keeps the name of an existing
 * namespace default, even one not in force for the entity: the namespace must keep a
 * single selector-less Sidecar.
 */
function planNamespaceDefault(planning: Planning): PlannedObject {
  const { input, meshed, inForce, warn } = planning;
  const ns = input.namespace;
  const existingDefault = input.sidecars
    .filter(s => s.namespace === ns && !s.workloadSelector)
    .sort(byAge)[0];
  for (const [s, workloads] of inForce) {
    if (s.workloadSelector) continue;
    if (s === existingDefault) {
      warn(
        s,
        workloads,
        `the recommendation replaces it (same name${
          s.outboundTrafficPolicy ? ', outboundTrafficPolicy kept' : ''
        }), so the namespace keeps a single selector-less Sidecar.`,
      );
    } else {
      warn(
        s,
        workloads,
        `the recommended namespace default takes precedence over it in ${ns}; it stays as is for the rest of the mesh.`,
      );
    }
  }
  return {
    name: existingDefault?.name ?? 'default',
    workloads: new Set(meshed.map(w => w.name)),
    everyHost: true,
    ...(existingDefault?.outboundTrafficPolicy
      ? { outboundTrafficPolicy: existingDefault.outboundTrafficPolicy }
      : {}),
    ...(existingDefault ? { replaces: existingDefault } : {}),
  };
}

/**
 * One Sidecar selecting every pod of the entity by its label. One with the same
 * selector is replaced in place; other selector Sidecars selecting entity workloads
 * keep precedence (being older) and are warned about.
 */
function planEntitySidecar(
  planning: Planning,
  labels: Record<string, string>,
  plan: EntitySidecarPlan,
): PlannedObject {
  const { meshed, inForce, warn } = planning;
  const { replaces } = plan;
  for (const [s, workloads] of inForce) {
    if (s === replaces) {
      warn(
        s,
        workloads,
        `the recommendation replaces it (same name and selector${
          s.outboundTrafficPolicy ? ', outboundTrafficPolicy kept' : ''
        }).`,
      );
    }
  }
  warnDefaultsOverridden(planning);
  for (const s of plan.overlapping) {
    const selected = meshed
      .filter(w => selectorMatches(s.workloadSelector!, w.labels))
      .map(w => w.name);
    const now = inForce.get(s);
    warn(s, now ?? selected, overlapAction(planning, s), now !== undefined);
  }
  return {
    name: plan.name,
    workloadSelector: labels,
    workloads: new Set(meshed.map(w => w.name)),
    everyHost: false,
    forEntity: true,
    ...(replaces?.outboundTrafficPolicy
      ? { outboundTrafficPolicy: replaces.outboundTrafficPolicy }
      : {}),
    ...(replaces ? { replaces } : {}),
  };
}

/** What to do about an older selector Sidecar that also selects entity workloads. */
function overlapAction(
  { input, entityNames }: Planning,
  s: SidecarObject,
): string {
  const foreign = input.namespaceWorkloads
    .filter(
      w =>
        w.hasSidecar &&
        !w.isGateway &&
        !entityNames.has(w.name) &&
        selectorMatches(s.workloadSelector!, w.labels),
    )
    .map(w => w.name);
  if (foreign.length > 0) {
    return `it also selects ${listNames(
      foreign,
    )}, which this entity does not own, and being older it keeps precedence over the recommended Sidecar: narrow its selector or delete it before applying.`;
  }
  return "it selects only this entity's workloads, but not by the entity's label; being older, it keeps precedence over the recommended Sidecar: delete it once the recommended Sidecar is applied, so that one Sidecar scopes every version of the entity.";
}

/** Selector-less Sidecars in force stay, but workload Sidecars take precedence over them. */
function warnDefaultsOverridden({ input, inForce, warn }: Planning): void {
  for (const [s, workloads] of inForce) {
    if (s.workloadSelector) continue;
    const rest =
      s.namespace === input.namespace
        ? "the namespace's other workloads"
        : 'the rest of the mesh';
    warn(
      s,
      workloads,
      `the recommended workload Sidecar takes precedence over it for ${
        workloads.length === 1 ? 'this workload' : 'these workloads'
      }; it stays as is for ${rest}.`,
    );
  }
}

/**
 * One Sidecar per entity workload not covered by a replaced one, selecting it alone, with
 * a name no Sidecar we keep already has.
 */
function planWorkloadSidecars(
  { input, meshed }: Planning,
  replacing: readonly PlannedObject[],
  warnings: IstioSidecarWarning[],
): PlannedObject[] {
  const covered = new Set(replacing.flatMap(o => [...o.workloads]));
  const replaced = new Set(replacing.map(o => o.replaces));
  // Names of Sidecars we do not replace must not be overwritten.
  const taken = new Set(
    input.sidecars
      .filter(s => s.namespace === input.namespace && !replaced.has(s))
      .map(s => s.name),
  );
  for (const o of replacing) taken.add(o.name);
  const chooseSelector = selectorChooser(input.namespaceWorkloads);
  const objects: PlannedObject[] = [];
  for (const w of meshed) {
    if (covered.has(w.name)) continue;
    const selector = chooseSelector(w);
    if (Object.keys(selector).length === 0) {
      // An empty selector would select every pod of the namespace.
      warnings.push({
        code: 'no-workloads',
        workload: w.name,
        message: `${w.name} has no stable pod labels, so no workloadSelector can target it alone: it is left out of the recommendation.`,
      });
      continue;
    }
    const name = freeName(sidecarObjectName(w.name), taken);
    taken.add(name);
    objects.push({
      name,
      workloadSelector: selector,
      workloads: new Set([w.name]),
      everyHost: false,
    });
  }
  return objects;
}

/** `Sidecar ns/name (kind; egress hosts: …; outboundTrafficPolicy …)` for warnings. */
function describeSidecar(s: SidecarObject, rootNamespace: string): string {
  let kind: string;
  if (s.workloadSelector) {
    kind = `selector ${describeSelector(s.workloadSelector)}`;
  } else if (s.namespace === rootNamespace) {
    kind = `mesh-wide default from root namespace ${rootNamespace}`;
  } else kind = 'selector-less namespace default';
  const hosts =
    s.hosts.length > 5
      ? `${s.hosts.slice(0, 5).join(', ')}, … (${s.hosts.length} hosts)`
      : s.hosts.join(', ');
  const policy = s.outboundTrafficPolicy
    ? `; outboundTrafficPolicy ${s.outboundTrafficPolicy}`
    : '';
  return `Sidecar ${s.namespace}/${s.name} (${kind}; egress hosts: ${
    hosts || 'none'
  }${policy})`;
}
