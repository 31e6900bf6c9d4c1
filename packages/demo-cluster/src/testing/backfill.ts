// History for tests: turns OpenMetrics text into TSDB blocks with promtool (Debian
// package `prometheus`), so a Prometheus started on that folder answers queries over
// days of data (`increase(x[7d])`) right away.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where Debian's `prometheus` package puts promtool. */
export const PROMTOOL_BINARY = '/usr/bin/promtool';

/** One metric family to write as OpenMetrics. */
export interface BackfillFamily {
  /**
   * Family name. For counters, the name without `_total`: the samples are written
   * as `<name>_total` (e.g. name `istio_requests` gives `istio_requests_total`).
   */
  name: string;
  type: 'counter' | 'gauge';
  help?: string;
  series: Array<{
    labels: Record<string, string>;
    /** Samples in ascending time order; time in milliseconds since the epoch. */
    samples: Array<{ timeMs: number; value: number }>;
  }>;
}

function escapeLabelValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/"/g, '\\"');
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Writes families as OpenMetrics text (with timestamps, ending in `# EOF`). */
export function formatOpenMetrics(families: BackfillFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (!METRIC_NAME.test(family.name)) {
      throw new Error(`not a metric name: ${family.name}`);
    }
    const sampleName =
      family.type === 'counter' ? `${family.name}_total` : family.name;
    lines.push(`# TYPE ${family.name} ${family.type}`);
    if (family.help) {
      lines.push(
        `# HELP ${family.name} ${family.help
          .replace(/\\/g, '\\\\')
          .replace(/\n/g, '\\n')}`,
      );
    }
    for (const series of family.series) {
      const labelText = Object.entries(series.labels)
        .map(([key, value]) => {
          if (!LABEL_NAME.test(key))
            throw new Error(`not a label name: ${key}`);
          return `${key}="${escapeLabelValue(value)}"`;
        })
        .join(',');
      let previous = -Infinity;
      for (const sample of series.samples) {
        if (sample.timeMs <= previous) {
          throw new Error(
            `${sampleName}{${labelText}}: samples must be in ascending time order`,
          );
        }
        previous = sample.timeMs;
        lines.push(
          `${sampleName}${labelText ? `{${labelText}}` : ''} ${sample.value} ${(
            sample.timeMs / 1000
          ).toFixed(3)}`,
        );
      }
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/**
 * Writes TSDB blocks for `openMetricsText` into `dataDir` (created if needed) with
 * `promtool tsdb create-blocks-from openmetrics`. Start Prometheus with
 * `startPrometheus({ dataDir, ... })` afterwards to query them. A missing `# EOF`
 * line is added. Resolves to promtool's report of the blocks it created.
 */
export async function createBackfillBlocks(
  openMetricsText: string,
  dataDir: string,
  options: { promtool?: string; timeoutMs?: number } = {},
): Promise<string> {
  const promtool = options.promtool ?? PROMTOOL_BINARY;
  if (!fs.existsSync(promtool)) {
    throw new Error(
      `promtool is not installed (${promtool}): install it with \`node scripts/ensure-system-packages.mjs prometheus\` (as root; Debian package \`prometheus\`)`,
    );
  }
  const text = /(^|\n)# EOF\s*$/.test(openMetricsText)
    ? openMetricsText
    : `${openMetricsText.replace(/\n?$/, '\n')}# EOF\n`;
  fs.mkdirSync(dataDir, { recursive: true });
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-backfill-'));
  const input = path.join(tmpDir, 'input.om');
  try {
    fs.writeFileSync(input, text);
    return await new Promise<string>((resolve, reject) => {
      execFile(
        promtool,
        ['tsdb', 'create-blocks-from', 'openmetrics', input, dataDir],
        { timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) {
            reject(
              new Error(
                `promtool tsdb create-blocks-from openmetrics failed: ${
                  error.message
                }\n${String(stderr).slice(-4000)}`,
              ),
            );
          } else {
            resolve(String(stdout));
          }
        },
      );
    });
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}
