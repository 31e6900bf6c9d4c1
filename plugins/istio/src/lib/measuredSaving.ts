import type { IstioMeasuredSaving } from '@istio-backstage/plugin-istio-common';

/**
 * A date and time in the user's own locale and time zone (no locale is fixed), e.g.
 * `Nov 25, 2026, 10:00 AM` or `25.11.2026, 10:00`; the input unchanged when it is not a date.
 */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
}

/** A calendar day (`YYYY-MM-DD`) in the user's locale, without shifting it by time zone. */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(date);
}

const ISO_DATE =
  /\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g;

/**
 * A sentence from the backend with its ISO 8601 dates shown in the user's locale: the
 * backend cannot know the reader's locale, so it writes dates in ISO form.
 */
export function localizeDates(text: string): string {
  return text.replace(ISO_DATE, match =>
    match.includes('T') ? formatDateTime(match) : formatDay(match),
  );
}

/**
 * The per-pod saving an applied Sidecar made, in bytes: only when the backend says the
 * before and after readings may be compared (`outcome: 'saving'`) and memory went down.
 * Otherwise undefined, so no caller can show a negative or unfounded saving.
 */
export function measuredSavingBytes(
  measured: IstioMeasuredSaving,
): number | undefined {
  if (measured.outcome !== 'saving' || measured.afterBytes === undefined)
    return undefined;
  const saved = measured.beforeBytes - measured.afterBytes;
  return saved > 0 ? saved : undefined;
}

/** Said when the backend sent no explanation of its own. */
const FALLBACK: Record<IstioMeasuredSaving['outcome'], string> = {
  saving: 'no decrease in memory was measured',
  settling:
    'the proxies are still settling; "after" is measured once they have',
  'pods-replaced':
    'the pods were replaced since the apply, so before and after are not the same pods',
  'sidecar-changed': 'the Sidecar was changed since it was applied',
  'sidecar-not-in-force': 'the Sidecar is no longer in force',
  'memory-rose': 'memory rose since the Sidecar was applied',
};

/**
 * Why no saving is shown: the backend's explanation with dates in the user's locale,
 * or a plain sentence for the outcome when it sent none.
 */
export function whyNoSaving(measured: IstioMeasuredSaving): string {
  const explanation = measured.explanation?.trim();
  return explanation
    ? localizeDates(explanation)
    : FALLBACK[measured.outcome] ?? FALLBACK.saving;
}
