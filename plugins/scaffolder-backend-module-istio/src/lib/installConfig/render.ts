import { istioScrapeJobs } from '@istio-backstage/plugin-istio-common';
import YAML from 'yaml';
import {
  buildHelmValues,
  HELM_VALUES_MINOR,
  type ChartValues,
  type IstioChart,
} from './helmValues';
import { buildIstioOperator } from './istioOperator';
import { buildKialiCr } from './kiali';
import { splitHostPort } from './patterns';
import type { InstallConfigInput } from './schema';
import { planTracing, type TracingPlan } from './tracing';

/** Istio's default root / control-plane namespace, where istiod is installed. */
const ISTIO_NAMESPACE = 'istio-system';

/** The Helm repository Istio publishes its charts to. */
const HELM_REPO = 'https://istio-release.storage.googleapis.com/charts';

/** One file to write into the scaffolder workspace. */
export interface RenderedFile {
  /** File name relative to the target directory. */
  path: string;
  content: string;
}

/** Everything rendered from one install configuration. */
export interface InstallConfigRendering {
  tracingMode: TracingPlan['mode'];
  istioOperatorYaml: string;
  /** Mesh-wide Telemetry resource, when tracing uses extension providers. */
  telemetryYaml?: string;
  /** Values per chart (YAML), when the release's charts are supported. */
  helmValues?: Partial<Record<IstioChart, string>>;
  /** All chart values in one YAML stream, each document headed by its chart and command. */
  helmValuesYaml?: string;
  kialiConfigYaml?: string;
  prometheusScrapeConfigYaml?: string;
  installCommands: { istioctl: string; helm?: string };
  warnings: string[];
  files: RenderedFile[];
}

/** Istio minor of a validated 1.x tag: `1.24.2-distroless` → 24. */
function istioMinorOf(tag: string): number {
  return Number(tag.split('.')[1]);
}

/** Helm chart version of a tag: the charts are versioned like Istio, without image suffixes. */
function chartVersion(tag: string): string {
  return tag.split('-')[0];
}

/** YAML text with a leading comment; values are quoted by the yaml library as needed. */
function toYaml(value: unknown, comment: string): string {
  const doc = new YAML.Document(value);
  doc.commentBefore = comment
    .split('\n')
    .map(line => ` ${line}`)
    .join('\n');
  return doc.toString({ lineWidth: 0 });
}

function helmInstallCommand(chart: ChartValues, tag: string): string {
  return `helm install ${chart.release} istio/${chart.chart} -n ${
    chart.namespace
  } --version ${chartVersion(tag)} -f values-${chart.chart}.yaml --wait`;
}

function warningsFor(input: InstallConfigInput, istioMinor: number): string[] {
  const warnings: string[] = [];
  if (input.gateway.enabled && input.gateway.namespace === ISTIO_NAMESPACE) {
    warnings.push(
      `The ingress gateway runs in ${ISTIO_NAMESPACE}; Istio recommends a namespace of its own (for example istio-ingress), away from the control plane.`,
    );
  }
  if (input.tracing.enabled && input.tracing.provider === 'zipkin') {
    const { host, port } = splitHostPort(input.tracing.collectorAddress!);
    if (port === 9411 && host.includes('jaeger')) {
      warnings.push(
        `${host}:9411 only accepts Zipkin spans when Jaeger's Zipkin receiver is on (Jaeger v1: COLLECTOR_ZIPKIN_HOST_PORT=:9411; v2: a zipkin receiver) — otherwise spans are dropped.`,
      );
    }
  }
  if (input.tracing.enabled && input.tracing.samplingPercent === 100) {
    warnings.push(
      'Sampling 100% traces every request: fine for a demo, costly under production traffic.',
    );
  }
  if (input.profile === 'demo') {
    warnings.push(
      'The demo profile is meant for trying Istio out, not for production.',
    );
  }
  if (istioMinor < HELM_VALUES_MINOR) {
    warnings.push(
      `Helm values are rendered for Istio 1.${HELM_VALUES_MINOR} and later; install Istio 1.${istioMinor} with istio-operator.yaml and istioctl.`,
    );
  }
  return warnings;
}

/** The file, or nothing when it was not rendered. */
function fileIf(path: string, content: string | undefined): RenderedFile[] {
  return content ? [{ path, content }] : [];
}

/**
 * Commands either install method runs besides its own: creating the gateway's
 * namespace (when not the control plane's) and applying the tracing Telemetry.
 */
function sideCommands(input: InstallConfigInput, tracing: TracingPlan) {
  return {
    gatewayNamespace:
      input.gateway.enabled && input.gateway.namespace !== ISTIO_NAMESPACE
        ? [`kubectl create namespace ${input.gateway.namespace}`]
        : [],
    telemetry: tracing.telemetry ? ['kubectl apply -f telemetry.yaml'] : [],
  };
}

/** The IstioOperator for `istioctl install -f`, headed by how to use it. */
function renderIstioOperator(
  input: InstallConfigInput,
  tracing: TracingPlan,
  istioMinor: number,
): string {
  return toYaml(
    buildIstioOperator(input, tracing, ISTIO_NAMESPACE),
    [
      `IstioOperator for Istio ${input.tag}, profile ${input.profile}: istioctl install -f istio-operator.yaml`,
      istioMinor >= 24
        ? 'Since Istio 1.24 there is no in-cluster operator: this file is istioctl input only.'
        : 'The in-cluster Istio operator is deprecated (1.23) and removed in 1.24; prefer istioctl.',
      ...(tracing.telemetry
        ? [
            'Tracing is enabled by telemetry.yaml (provider and sampling); apply it after the install.',
          ]
        : []),
    ].join('\n'),
  );
}

/** The mesh-wide tracing Telemetry, when tracing uses extension providers. */
function renderTelemetry(
  input: InstallConfigInput,
  tracing: TracingPlan,
): string | undefined {
  if (!tracing.telemetry) return undefined;
  return toYaml(
    tracing.telemetry,
    `Mesh-wide tracing (Telemetry API): provider and ${input.tracing.samplingPercent}% sampling.`,
  );
}

/** The Helm route: values per chart, all of them as one stream, and the commands. */
interface HelmRendering {
  helmValues: Partial<Record<IstioChart, string>>;
  helmValuesYaml: string;
  commands: string;
  files: RenderedFile[];
}

/** Values for each chart the install needs, each headed by its install command. */
function renderHelm(
  input: InstallConfigInput,
  tracing: TracingPlan,
  side: ReturnType<typeof sideCommands>,
): HelmRendering {
  const charts = buildHelmValues(input, tracing, ISTIO_NAMESPACE);
  const helmValues: HelmRendering['helmValues'] = {};
  const files: RenderedFile[] = [];
  for (const chart of charts) {
    const text = toYaml(
      chart.values,
      `Values for the istio/${chart.chart} chart:\n${helmInstallCommand(
        chart,
        input.tag,
      )}`,
    );
    helmValues[chart.chart] = text;
    files.push({ path: `values-${chart.chart}.yaml`, content: text });
  }
  const commands = [
    `helm repo add istio ${HELM_REPO}`,
    'helm repo update',
    `kubectl create namespace ${ISTIO_NAMESPACE}`,
    ...charts.flatMap(chart => [
      ...(chart.chart === 'gateway' ? side.gatewayNamespace : []),
      helmInstallCommand(chart, input.tag),
    ]),
    ...side.telemetry,
  ].join('\n');
  return {
    helmValues,
    helmValuesYaml: files.map(file => file.content).join('---\n'),
    commands,
    files,
  };
}

/** The Kiali CR's `external_services`, when Kiali is configured. */
function renderKiali(input: InstallConfigInput): string | undefined {
  if (!input.kiali.enabled) return undefined;
  return toYaml(
    buildKialiCr(input.kiali, ISTIO_NAMESPACE),
    `Kiali CR (Kiali ${input.kiali.majorVersion}.x): where Kiali finds Prometheus, Grafana and tracing.\nWithout the Kiali operator (Istio's addon), put the contents of spec into config.yaml of ConfigMap ${ISTIO_NAMESPACE}/kiali.`,
  );
}

/** The Prometheus scrape jobs asked for, if any. */
function renderScrapeJobs(input: InstallConfigInput): string | undefined {
  if (input.prometheusScrapeJobs.length === 0) return undefined;
  return toYaml(
    istioScrapeJobs(input.prometheusScrapeJobs, {
      namespaces: [ISTIO_NAMESPACE],
    }),
    'Prometheus scrape jobs for Istio: append to scrape_configs in prometheus.yml,\nor store as the prometheus-operator additional-scrape-configs Secret.',
  );
}

/**
 * Renders the mesh install configuration: the IstioOperator, the equivalent Helm values
 * per chart, and optionally the Kiali CR and Prometheus scrape jobs. Pure: no I/O.
 */
export function renderInstallConfig(
  input: InstallConfigInput,
): InstallConfigRendering {
  const istioMinor = istioMinorOf(input.tag);
  const tracing = planTracing(input.tracing, istioMinor, ISTIO_NAMESPACE);
  const side = sideCommands(input, tracing);
  const istioOperatorYaml = renderIstioOperator(input, tracing, istioMinor);
  const telemetryYaml = renderTelemetry(input, tracing);
  const helm =
    istioMinor >= HELM_VALUES_MINOR
      ? renderHelm(input, tracing, side)
      : undefined;
  const kialiConfigYaml = renderKiali(input);
  const prometheusScrapeConfigYaml = renderScrapeJobs(input);

  return {
    tracingMode: tracing.mode,
    istioOperatorYaml,
    telemetryYaml,
    helmValues: helm?.helmValues,
    helmValuesYaml: helm?.helmValuesYaml,
    kialiConfigYaml,
    prometheusScrapeConfigYaml,
    installCommands: {
      istioctl: [
        ...side.gatewayNamespace,
        'istioctl install -f istio-operator.yaml -y',
        ...side.telemetry,
      ].join('\n'),
      helm: helm?.commands,
    },
    warnings: warningsFor(input, istioMinor),
    files: [
      { path: 'istio-operator.yaml', content: istioOperatorYaml },
      ...fileIf('telemetry.yaml', telemetryYaml),
      ...(helm?.files ?? []),
      ...fileIf('kiali.yaml', kialiConfigYaml),
      ...fileIf('prometheus-scrape-configs.yaml', prometheusScrapeConfigYaml),
    ],
  };
}
