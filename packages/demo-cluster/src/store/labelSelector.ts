/** One requirement of a Kubernetes label selector. */
export type LabelRequirement =
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

/** Thrown for a selector the Kubernetes API would reject (answered with 400). */
export class SelectorError extends Error {}

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function checkKey(key: string) {
  if (!LABEL_KEY.test(key))
    throw new SelectorError(`invalid label key "${key}"`);
}
function checkValue(value: string) {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw new SelectorError(`invalid label value: "${value}"`);
  }
}

/** Splits on commas that are not inside a `( … )` set. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map(p => p.trim()).filter(p => p !== '');
}

/** Parses the `labelSelector` query syntax: `a=b,c!=d,e in (f,g),!h,i`. */
export function parseLabelSelector(
  selector: string | undefined,
): LabelRequirement[] {
  if (!selector || selector.trim() === '') return [];
  return splitTopLevel(selector).map(part => {
    let match = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (match) {
      const values = match[3]
        .split(',')
        .map(v => v.trim())
        .filter(Boolean);
      checkKey(match[1]);
      values.forEach(checkValue);
      return { key: match[1], op: match[2] as 'in' | 'notin', values };
    }
    match = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (match) {
      checkKey(match[1]);
      checkValue(match[3]);
      return {
        key: match[1],
        op: match[2] === '!=' ? '!=' : '=',
        value: match[3],
      };
    }
    match = /^!\s*(\S+)$/.exec(part);
    if (match) {
      checkKey(match[1]);
      return { key: match[1], op: '!exists' };
    }
    if (/^\S+$/.test(part)) {
      checkKey(part);
      return { key: part, op: 'exists' };
    }
    throw new SelectorError(`unable to parse requirement: "${part}"`);
  });
}

/** Whether a label set satisfies every requirement. */
export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case '=':
        return has && l[r.key] === r.value;
      case '!=':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case '!exists':
        return !has;
      default:
        return false;
    }
  });
}

/** Whether `labels` contains every key/value of a plain `matchLabels` map. */
export function matchesMap(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return true;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
