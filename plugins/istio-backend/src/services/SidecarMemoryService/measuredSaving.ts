// The saving measured after a Sidecar was applied through Backstage: the memory before
// is compared with the memory now only for the same pods under the same Sidecars, so
// a replaced pod, a changed Sidecar or a rise is said as such, never shown as a saving.
import type {
  IstioMeasuredSaving,
  IstioProxyMemory,
} from '@istio-backstage/plugin-istio-common';
import { isSidecarProxy } from '../../lib/mesh/dataPlane';
import { listSome, plural } from '../../lib/mesh/diagnostics/diagnostic';
import {
  meanSidecarMemory,
  mib,
  sidecarInForce,
  type SidecarObject,
} from '../../lib/sidecar';
import type { AppliedSidecar } from '../AppliedSidecarStore';

/** What a measured saving is judged on, all read now. */
export interface MeasuredSavingFacts {
  lastApply: AppliedSidecar;
  namespace: string;
  /** The root namespace of the revision configuring the pods (its default Sidecar applies mesh-wide). */
  rootNamespace: string;
  /** The entity's proxies now, with their memory. */
  proxies: readonly IstioProxyMemory[];
  /** The labels of the entity's pods now, by pod name. */
  podLabels: ReadonlyMap<string, Record<string, string>>;
  /** The cluster's Sidecars now; undefined when they could not be read. */
  sidecars?: readonly SidecarObject[];
  /** How long after an apply memory counts as "after" (proxies settle). */
  settleMs: number;
  now: Date;
}

type Verdict = Pick<IstioMeasuredSaving, 'outcome' | 'explanation'>;

/** The mean memory now of these pods, when each of them runs a sidecar with a reading. */
function meanOf(
  proxies: readonly IstioProxyMemory[],
  pods: readonly string[],
): number | undefined {
  if (pods.length === 0) return undefined;
  let total = 0;
  for (const pod of pods) {
    const bytes = proxies.find(
      p => p.pod === pod && isSidecarProxy(p.proxyKind),
    )?.memoryNowBytes;
    if (bytes === undefined) return undefined;
    total += bytes;
  }
  return total / pods.length;
}

/** Why memory now is not of the pods measured before; undefined when it is. */
function podsVerdict(
  facts: MeasuredSavingFacts,
  applied: string,
): Verdict | undefined {
  const recorded = facts.lastApply.podNames;
  if (!recorded)
    return {
      outcome: 'pods-replaced',
      explanation: `The pods measured before the Sidecar was applied on ${applied} were not recorded, so memory now cannot be shown to be theirs; no saving is claimed.`,
    };
  const running = new Set(
    facts.proxies.filter(p => isSidecarProxy(p.proxyKind)).map(p => p.pod),
  );
  const gone = recorded.filter(pod => !running.has(pod));
  if (gone.length === 0) return undefined;
  const run = gone.length === 1 ? 'runs' : 'run';
  return {
    outcome: 'pods-replaced',
    explanation: `${gone.length} of the ${plural(
      recorded.length,
      'pod',
    )} measured before the Sidecar was applied on ${applied} no longer ${run} (${listSome(
      gone,
    )}): memory now is of other pods, so it is not compared with the memory before.`,
  };
}

/** Why the applied Sidecars are not as written; undefined when each still is. */
function changedVerdict(
  facts: MeasuredSavingFacts,
  sidecars: readonly SidecarObject[],
  applied: string,
): Verdict | undefined {
  const { lastApply, namespace } = facts;
  for (const name of lastApply.sidecarNames) {
    const now = sidecars.find(
      s => s.namespace === namespace && s.name === name,
    );
    const written = lastApply.sidecarDigests?.[name];
    if (now && written && now.specDigest === written) continue;
    const what = now
      ? 'was changed since it was applied'
      : 'no longer exists since it was applied';
    return {
      outcome: 'sidecar-changed',
      explanation: `Sidecar ${namespace}/${name} ${what} on ${applied}: memory now is not that of the Sidecar applied, so no saving is claimed.`,
    };
  }
  return undefined;
}

/** Why an applied Sidecar is not the one configuring each measured pod; undefined when it is. */
function inForceVerdict(
  facts: MeasuredSavingFacts,
  sidecars: readonly SidecarObject[],
  applied: string,
): Verdict | undefined {
  const { lastApply, namespace } = facts;
  for (const pod of lastApply.podNames ?? []) {
    const labels = facts.podLabels.get(pod) ?? {};
    const inForce = sidecarInForce(
      sidecars,
      { namespace, labels, isGateway: false },
      facts.rootNamespace,
    );
    if (
      inForce?.namespace === namespace &&
      lastApply.sidecarNames.includes(inForce.name)
    )
      continue;
    const instead = inForce
      ? `Sidecar ${inForce.namespace}/${inForce.name} configures pod ${pod}`
      : `No Sidecar configures pod ${pod}`;
    return {
      outcome: 'sidecar-not-in-force',
      explanation: `${instead}, not the Sidecar applied on ${applied}: no saving is claimed.`,
    };
  }
  return undefined;
}

/** Why the same pods are not known to run under the same Sidecars; undefined when they are. */
function sidecarVerdict(
  facts: MeasuredSavingFacts,
  applied: string,
): Verdict | undefined {
  const { sidecars } = facts;
  if (!sidecars)
    return {
      outcome: 'sidecar-not-in-force',
      explanation: `The Sidecars could not be read, so whether the Sidecar applied on ${applied} is still in force is unknown; no saving is claimed.`,
    };
  return (
    changedVerdict(facts, sidecars, applied) ??
    inForceVerdict(facts, sidecars, applied)
  );
}

/** The same pods under the same Sidecars: settling, a rise, or the saving. */
function comparedVerdict(
  facts: MeasuredSavingFacts,
  after: number | undefined,
  applied: string,
): Verdict {
  const { lastApply, settleMs } = facts;
  const settledAt = new Date(lastApply.appliedAt.getTime() + settleMs);
  if (facts.now < settledAt)
    return {
      outcome: 'settling',
      explanation: `Applied on ${applied}; memory is compared once the proxies have settled, from ${settledAt.toISOString()}.`,
    };
  const pods = plural(lastApply.podNames!.length, 'pod');
  if (after === undefined)
    return {
      outcome: 'settling',
      explanation: `Applied on ${applied}; the memory of the ${pods} measured before has no reading yet (metrics.k8s.io).`,
    };
  const before = lastApply.beforeBytes;
  const change = `${mib(before)} → ${mib(after)} per pod`;
  if (after > before)
    return {
      outcome: 'memory-rose',
      explanation: `Memory rose ${mib(
        after - before,
      )} since the Sidecar was applied on ${applied} (${change}, the same ${pods} under the same Sidecar); no saving is claimed.`,
    };
  return {
    outcome: 'saving',
    explanation: `${mib(
      before - after,
    )} less per pod since the Sidecar was applied on ${applied} (${change}, the same ${pods} under the same Sidecar).`,
  };
}

/**
 * The memory recorded before the last apply, the reading now, and whether the two may
 * be compared: only when the reading is of the pods measured before, each configured
 * by the Sidecars applied, which are unchanged since. Otherwise `outcome` says what
 * happened instead and no saving is claimed. `afterBytes` is the reading once the
 * proxies had time to settle: of the pods measured before while they all run, else of
 * the entity's sidecars now.
 */
export function measuredSaving(
  facts: MeasuredSavingFacts,
): IstioMeasuredSaving {
  const { lastApply, now } = facts;
  const applied = lastApply.appliedAt.toISOString();
  const samePods = meanOf(facts.proxies, lastApply.podNames ?? []);
  const verdict =
    podsVerdict(facts, applied) ??
    sidecarVerdict(facts, applied) ??
    comparedVerdict(facts, samePods, applied);
  const settled =
    now.getTime() - lastApply.appliedAt.getTime() >= facts.settleMs;
  const reading = samePods ?? meanSidecarMemory(facts.proxies)?.bytes;
  return {
    appliedAt: applied,
    appliedBy: lastApply.appliedBy,
    beforeBytes: lastApply.beforeBytes,
    ...(settled && reading !== undefined && verdict.outcome !== 'settling'
      ? { afterBytes: Math.round(reading), measuredAt: now.toISOString() }
      : {}),
    ...verdict,
  };
}
