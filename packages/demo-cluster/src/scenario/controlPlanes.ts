// The scenario's control planes (the default one and `istio.revisions`) and the objects
// that istiod's Helm chart and `istioctl tag set` create for each of them, apart from the
// istiod workload itself (built with the other workloads in buildObjects).
import yaml from 'yaml';
import type { KubeObject } from '../store/types';
import type { InjectionContext } from './injection';
import type { Scenario } from './types';

/** One control plane (revision) of a scenario. */
export interface ControlPlane {
  /** Its `istio.io/rev` value; `default` for an install without a revision. */
  revision: string;
  /** Istio version of its istiod (chart and labels). */
  version: string;
  /** Tag of its `pilot` and `proxyv2` images. */
  imageTag: string;
  /** Tag of the proxies it injected (the default control plane's `istio.proxyVersion`). */
  proxyTag: string;
  meshConfig: Record<string, unknown>;
  /** Helm values of its injector ConfigMap; generated from the rest when absent. */
  injectorValues?: Record<string, unknown>;
  /** Revision tags pointing at it. */
  tags: string[];
  /** Its injector puts `istio-proxy` in `initContainers` with `restartPolicy: Always`. */
  nativeSidecars: boolean;
  /** The scenario's default control plane (`istio.*`), not one of `istio.revisions`. */
  isDefault: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The minor of an Istio version (`1.27.3` → 27), or undefined when it is not one. */
export function minorOf(version: string): number | undefined {
  const match = /^v?1\.(\d+)/.exec(version);
  return match ? Number(match[1]) : undefined;
}

/** `istiod` for the default revision, `istiod-<rev>` otherwise. */
export function istiodName(revision: string): string {
  return revision === 'default' ? 'istiod' : `istiod-${revision}`;
}

/** The ConfigMap holding a revision's MeshConfig: `istio` or `istio-<rev>`. */
export function meshConfigMapName(revision: string): string {
  return revision === 'default' ? 'istio' : `istio-${revision}`;
}

/** A revision's MeshConfig when the scenario gives none: the default one, aimed at its istiod. */
function inheritedMeshConfig(
  base: Record<string, unknown>,
  revision: string,
  rootNs: string,
): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, any>;
  if (copy.defaultConfig?.discoveryAddress)
    copy.defaultConfig.discoveryAddress = `${istiodName(
      revision,
    )}.${rootNs}.svc:15012`;
  return copy;
}

function checkNames(planes: ControlPlane[]) {
  const revisions = planes.map(p => p.revision);
  // `istioctl tag set default` may point the tag `default` at another revision while an
  // install without revision (`default`) exists: that one's webhooks are deactivated.
  const tags = planes.flatMap(p =>
    p.tags.filter(t => !(t === 'default' && p.revision !== 'default')),
  );
  for (const name of [...revisions, ...planes.flatMap(p => p.tags)]) {
    if (!DNS_LABEL.test(name) || name.length > 63)
      throw new Error(
        `istio.revisions: '${name}' is not a valid revision or tag name`,
      );
  }
  const duplicate = [...revisions, ...tags].find(
    (name, i, all) => all.indexOf(name) !== i,
  );
  if (duplicate)
    throw new Error(
      `istio.revisions: '${duplicate}' names more than one revision or tag`,
    );
  if (planes.flatMap(p => p.tags).filter(t => t === 'default').length > 1)
    throw new Error(`istio.revisions: 'default' names more than one tag`);
}

/**
 * The scenario's control planes, the default one first. Revision and tag names must be
 * DNS labels, and no name may be both a revision and a tag (istioctl refuses such a tag),
 * except the tag `default` on another revision than the one named `default`.
 */
export function controlPlanesOf(scenario: Scenario): ControlPlane[] {
  const istio = scenario.istio;
  const rootNs = istio.namespace ?? 'istio-system';
  const tag = istio.tag ?? istio.version;
  const meshConfig = istio.meshConfig ?? {};
  const planes: ControlPlane[] = [
    {
      revision: istio.revision ?? 'default',
      version: istio.version,
      imageTag: tag,
      proxyTag: istio.proxyVersion ?? tag,
      meshConfig,
      injectorValues: istio.injectorValues,
      tags: istio.tags ?? [],
      nativeSidecars: Boolean(istio.nativeSidecars),
      isDefault: true,
    },
  ];
  for (const rev of istio.revisions ?? []) {
    const version = rev.version ?? istio.version;
    planes.push({
      revision: rev.name,
      version,
      imageTag: version,
      proxyTag: version,
      meshConfig:
        rev.meshConfig ?? inheritedMeshConfig(meshConfig, rev.name, rootNs),
      injectorValues: rev.injectorValues,
      tags: rev.tags ?? [],
      nativeSidecars: rev.nativeSidecars ?? (minorOf(version) ?? 0) >= 27,
      isDefault: false,
    });
  }
  checkNames(planes);
  return planes;
}

/** Which revision label wins when namespace and pod both have one (the default plane's values). */
function labelPreference(planes: ControlPlane[]): 'namespace' | 'pod' {
  const values = planes[0].injectorValues as
    | { sidecarInjectorWebhook?: { revisionLabelPreference?: string } }
    | undefined;
  return values?.sidecarInjectorWebhook?.revisionLabelPreference === 'pod'
    ? 'pod'
    : 'namespace';
}

/** What the injection webhooks of these control planes decide on. */
export function injectionContextOf(planes: ControlPlane[]): InjectionContext {
  const tags: Record<string, string> = {};
  for (const plane of planes)
    for (const tag of plane.tags) tags[tag] = plane.revision;
  return {
    revisions: planes.map(p => p.revision),
    tags,
    defaultRevision: planes[0].revision,
    preference: labelPreference(planes),
  };
}

/** The MeshConfig and injector ConfigMaps of one control plane, as its Helm chart writes them. */
export function controlPlaneConfigMaps(
  plane: ControlPlane,
  options: { rootNs: string; hub: string; cni: boolean; helm: boolean },
): KubeObject[] {
  const { revision } = plane;
  const suffix = revision === 'default' ? '' : `-${revision}`;
  const injectorValues = plane.injectorValues ?? {
    global: {
      hub: options.hub,
      tag: plane.imageTag,
      proxy: { image: 'proxyv2' },
      istioNamespace: options.rootNs,
    },
    revision: revision === 'default' ? '' : revision,
    pilot: { cni: { enabled: options.cni } },
    sidecarInjectorWebhook: { defaultTemplates: [] },
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `istio${suffix}`,
        namespace: options.rootNs,
        labels: {
          'istio.io/rev': revision,
          ...(options.helm ? { 'app.kubernetes.io/managed-by': 'Helm' } : {}),
        },
      },
      data: {
        mesh: yaml.stringify(plane.meshConfig),
        meshNetworks: 'networks: {}\n',
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `istio-sidecar-injector${suffix}`,
        namespace: options.rootNs,
        labels: { 'istio.io/rev': revision },
      },
      data: {
        values: JSON.stringify(injectorValues, null, 2),
        config: 'defaultTemplates: [sidecar]\npolicy: enabled\n',
      },
    },
  ];
}
