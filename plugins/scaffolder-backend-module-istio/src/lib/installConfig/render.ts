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
import { buildScrapeConfigs } from './prometheusScrape';
import type { InstallConfigInput } from './schema';
import { planTracing, type TracingPlan } from './tracing';

/** Istio's default root / control-plane namespace, where the seed installs Istio. */
export const ISTIO_NAMESPACE = 'istio-system';

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
export function istioMinorOf(tag: string): number {
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
      `The ingress gateway runs in ${ISTIO_NAMESPACE}; the seed recommends a namespace of its own (for example istio-ingress), away from the control plane.`,
    );
  }
  if (input.tracing.enabled && input.tracing.provider === 'zipkin') {
    const { host, port } = splitHostPort(input.tracing.collectorAddress!);
    if (port === 9411 && host.includes('jaeger')) {
      warnings.push(
        `${host}:9411 only accepts Zipkin spans when Jaeger's Zipkin receiver is on (Jaeger v1: COLLECTOR_ZIPKIN_HOST_PORT=:9411; v2: a zipkin receiver) — otherwise spans are dropped (seed FAQ 2).`,
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

/**
 * Renders the mesh install configuration: the IstioOperator, the equivalent Helm values
 * per chart, and optionally the Kiali CR and Prometheus scrape jobs. Pure: no I/O.
 */
export function renderInstallConfig(
  input: InstallConfigInput,
): InstallConfigRendering {
  const istioMinor = istioMinorOf(input.tag);
  const tracing = planTracing(input.tracing, istioMinor, ISTIO_NAMESPACE);
  const files: RenderedFile[] = [];
  const gatewayNamespaceCommand =
    input.gateway.enabled && input.gateway.namespace !== ISTIO_NAMESPACE
      ? [`kubectl create namespace ${input.gateway.namespace}`]
      : [];
  const telemetryCommand = tracing.telemetry
    ? ['kubectl apply -f telemetry.yaml']
    : [];

  const iop = buildIstioOperator(input, tracing, ISTIO_NAMESPACE);
  const istioOperatorYaml = toYaml(
    iop,
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
  files.push({ path: 'istio-operator.yaml', content: istioOperatorYaml });

  let telemetryYaml: string | undefined;
  if (tracing.telemetry) {
    telemetryYaml = toYaml(
      tracing.telemetry,
      `Mesh-wide tracing (Telemetry API): provider and ${input.tracing.samplingPercent}% sampling.`,
    );
    files.push({ path: 'telemetry.yaml', content: telemetryYaml });
  }

  let helmValues: InstallConfigRendering['helmValues'];
  let helmValuesYaml: string | undefined;
  let helmCommands: string | undefined;
  if (istioMinor >= HELM_VALUES_MINOR) {
    const charts = buildHelmValues(input, tracing, ISTIO_NAMESPACE);
    helmValues = {};
    const documents: string[] = [];
    for (const chart of charts) {
      const text = toYaml(
        chart.values,
        `Values for the istio/${chart.chart} chart:\n${helmInstallCommand(
          chart,
          input.tag,
        )}`,
      );
      helmValues[chart.chart] = text;
      documents.push(text);
      files.push({ path: `values-${chart.chart}.yaml`, content: text });
    }
    helmValuesYaml = documents.join('---\n');
    helmCommands = [
      `helm repo add istio ${HELM_REPO}`,
      'helm repo update',
      `kubectl create namespace ${ISTIO_NAMESPACE}`,
      ...charts.flatMap(chart => [
        ...(chart.chart === 'gateway' ? gatewayNamespaceCommand : []),
        helmInstallCommand(chart, input.tag),
      ]),
      ...telemetryCommand,
    ].join('\n');
  }

  let kialiConfigYaml: string | undefined;
  if (input.kiali.enabled) {
    kialiConfigYaml = toYaml(
      buildKialiCr(input.kiali, ISTIO_NAMESPACE),
      `Kiali CR (Kiali ${input.kiali.majorVersion}.x): where Kiali finds Prometheus, Grafana and tracing.\nWithout the Kiali operator (Istio's addon), put the contents of spec into config.yaml of ConfigMap ${ISTIO_NAMESPACE}/kiali.`,
    );
    files.push({ path: 'kiali.yaml', content: kialiConfigYaml });
  }

  let prometheusScrapeConfigYaml: string | undefined;
  if (input.prometheusScrapeJobs.length > 0) {
    prometheusScrapeConfigYaml = toYaml(
      buildScrapeConfigs(input.prometheusScrapeJobs, ISTIO_NAMESPACE),
      'Prometheus scrape jobs for Istio: append to scrape_configs in prometheus.yml,\nor store as the prometheus-operator additional-scrape-configs Secret.',
    );
    files.push({
      path: 'prometheus-scrape-configs.yaml',
      content: prometheusScrapeConfigYaml,
    });
  }

  return {
    tracingMode: tracing.mode,
    istioOperatorYaml,
    telemetryYaml,
    helmValues,
    helmValuesYaml,
    kialiConfigYaml,
    prometheusScrapeConfigYaml,
    installCommands: {
      istioctl: [
        ...gatewayNamespaceCommand,
        'istioctl install -f istio-operator.yaml -y',
        ...telemetryCommand,
      ].join('\n'),
      helm: helmCommands,
    },
    warnings: warningsFor(input, istioMinor),
    files,
  };
}
