import { readFileSync } from 'fs';
import { resolve } from 'path';
import { DIAGNOSTIC_KINDS } from '@istio-backstage/plugin-istio-common';
import { DIAGNOSTIC_CODES } from './index';

/** plugins/istio-backend/DIAGNOSTICS.md, the documented list of codes. */
const markdown = readFileSync(
  resolve(__dirname, '../../../../DIAGNOSTICS.md'),
  'utf8',
);

/** Table rows: `| \`IBS-…\` | severity | meaning | fix |`. */
const rows = new Map(
  markdown
    .split('\n')
    .map(line =>
      /^\|\s*`(IBS-[A-Z0-9-]+)`\s*\|\s*(\w+)\s*\|(.*)\|(.*)\|\s*$/.exec(line),
    )
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, code, severity, meaning, fix]) => [
      code,
      { severity, meaning: meaning.trim(), fix: fix.trim() },
    ]),
);

describe('DIAGNOSTICS.md', () => {
  it('documents every code of DIAGNOSTIC_CODES, and no other', () => {
    expect([...rows.keys()].sort()).toEqual(
      Object.keys(DIAGNOSTIC_CODES).sort(),
    );
  });

  it.each(Object.entries(DIAGNOSTIC_CODES))(
    '%s has the registry severity and title, and a fix',
    (code, info) => {
      expect(rows.get(code)?.severity).toBe(
        DIAGNOSTIC_KINDS[code as keyof typeof DIAGNOSTIC_CODES].severity,
      );
      expect(rows.get(code)?.meaning).toContain(info.title);
      expect(rows.get(code)?.fix.length).toBeGreaterThan(20);
    },
  );
});
