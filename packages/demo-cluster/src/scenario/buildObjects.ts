import yaml from 'yaml';
import type { KubeObject } from '../store/types';
import {
  controlPlaneConfigMaps,
  controlPlanesOf,
  injectionContextOf,
  istiodName,
  minorOf,
  type ControlPlane,
} from './controlPlanes';
import { injectingRevision } from './injection';
import { injectorWebhooks } from './injectorWebhooks';
import { stableRandom, stableSuffix } from './random';
import type { Scenario, ScenarioApp, ScenarioNamespace } from './types';

/** What the simulator knows about a pod beyond its object. */
export interface PodRuntime {
  namespace: string;
  name: string;
  /** Deployment (workload) name. */
  workload: string;
  app: string;
  version: string;
  /** Memory of the application container, bytes. */
  appMemoryBytes: number;
  appContainer: string;
  /** The pod has an Envoy: sidecar or gateway proxy. */
  hasProxy: boolean;
  isGateway: boolean;
  /** Pod is enrolled in ambient (no sidecar). */
  ambient: boolean;
  proxyVersion: string;
  /** The revision whose istiod configures the pod's proxy (injected it, for sidecars). */
  revision?: string;
}

export interface BuiltCluster {
  objects: KubeObject[];
  pods: PodRuntime[];
}

const MI = 1024 * 1024;

function meta(
  name: string,
  namespace: string | undefined,
  labels?: Record<string, string>,
  annotations?: Record<string, string>,
) {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    ...(labels && Object.keys(labels).length ? { labels } : {}),
    ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
  };
}

/** Generated filler namespaces: many small services, some already scoped. */
function fillerNamespaces(scenario: Scenario): ScenarioNamespace[] {
  const filler = scenario.filler;
  if (!filler || filler.namespaces <= 0) return [];
  const result: ScenarioNamespace[] = [];
  for (let n = 0; n < filler.namespaces; n++) {
    const name = `team-${String(n + 1).padStart(3, '0')}`;
    const apps: ScenarioApp[] = [];
    for (let s = 0; s < filler.servicesPerNamespace; s++) {
      const extra =
        stableRandom(scenario.randomStart ?? 0, name, s, 'ports') < 0.2;
      apps.push({
        name: `svc-${String(s + 1).padStart(2, '0')}`,
        port: 8080,
        portName: 'http',
        extraPorts: extra ? [{ name: 'grpc', port: 9090 }] : undefined,
        replicas: filler.podsPerService ?? 1,
        appMemoryMi:
          30 +
          Math.round(
            stableRandom(scenario.randomStart ?? 0, name, s, 'mem') * 90,
          ),
        image: 'registry.example.com/filler/app:1.0.0',
      });
    }
    result.push({ name, labels: { 'istio-injection': 'enabled' }, apps });
  }
  return result;
}

/** The names of filler namespaces that start with a `./*` Sidecar. */
export function scopedFillerNamespaces(scenario: Scenario): string[] {
  const fraction = scenario.filler?.scopedFraction ?? 0;
  return fillerNamespaces(scenario)
    .map(ns => ns.name)
    .filter(
      name =>
        stableRandom(scenario.randomStart ?? 0, name, 'scoped') < fraction,
    );
}

/** Every namespace of the scenario, including the control plane's and the filler. */
export function allNamespaces(scenario: Scenario): ScenarioNamespace[] {
  return [...scenario.namespaces, ...fillerNamespaces(scenario)];
}

function daemonSetStatus(imagePullFailure: boolean) {
  const ready = imagePullFailure ? 0 : 6;
  return {
    desiredNumberScheduled: 6,
    numberReady: ready,
    numberAvailable: ready,
    numberUnavailable: 6 - ready,
  };
}

function podMode(
  ambient: boolean,
  sidecar: boolean,
): 'ambient' | 'sidecar' | 'none' {
  if (ambient) return 'ambient';
  return sidecar ? 'sidecar' : 'none';
}

/** The proxy an injector gave a pod: its control plane and the image tag it runs. */
interface PodProxy {
  plane: ControlPlane;
  tag: string;
}

function pullBackOff(image: string) {
  return {
    waiting: {
      reason: 'ImagePullBackOff',
      message: `Back-off pulling image "${image}"`,
    },
  };
}

/** Whether a control plane's injector adds the `prometheus.io/*` scrape annotations. */
function prometheusMergeOf(plane: ControlPlane): boolean {
  return (
    (plane.meshConfig as { enablePrometheusMerge?: boolean })
      .enablePrometheusMerge ?? true
  );
}

/** Pod labels of an istiod, as its chart sets them (`istio: pilot` only without a revision). */
function istiodLabelsOf(revision: string): Record<string, string> {
  return {
    app: 'istiod',
    istio: revision === 'default' ? 'pilot' : 'istiod',
    'istio.io/rev': revision,
  };
}

/** The labels an install method puts on the istiod Deployment. */
function istiodInstallLabels(
  version: string,
  installMethod: Scenario['istio']['installMethod'],
): Record<string, string> {
  return installMethod === 'helm'
    ? {
        'app.kubernetes.io/managed-by': 'Helm',
        'helm.sh/chart': `istiod-${version}`,
      }
    : {
        'install.operator.istio.io/owning-resource': 'installed-state',
        'operator.istio.io/component': 'Pilot',
        'operator.istio.io/version': version,
      };
}

/**
 * Gives an istiod Deployment (already built with its ReplicaSet and pods) its labels and
 * the `discovery` container's env, on the Deployment's template and its pods alike.
 */
function finishIstiod(
  objects: KubeObject[],
  namespace: string,
  name: string,
  options: {
    labels: Record<string, string>;
    installLabels: Record<string, string>;
    env: Array<{ name: string; value: string }>;
  },
) {
  const owned = (o: KubeObject, kind: string, owner: string) =>
    o.kind === kind &&
    o.metadata.namespace === namespace &&
    (o.metadata.ownerReferences as Array<{ name: string }> | undefined)?.[0]
      ?.name === owner;
  const deployment = objects.find(
    o =>
      o.kind === 'Deployment' &&
      o.metadata.namespace === namespace &&
      o.metadata.name === name,
  )!;
  deployment.metadata.labels = {
    ...deployment.metadata.labels,
    ...options.labels,
    ...options.installLabels,
  };
  const template = (deployment.spec as any).template;
  template.spec.containers[0].env = options.env;
  const replicaSet = objects.find(o => owned(o, 'ReplicaSet', name))!;
  for (const pod of objects.filter(o =>
    owned(o, 'Pod', replicaSet.metadata.name),
  )) {
    pod.metadata.labels = { ...pod.metadata.labels, ...options.labels };
    (pod.spec as any).containers[0].env = options.env;
  }
}

/** How many pods of each of an app's versions (in order) cannot pull their proxy image. */
function pullFailuresPerVersion(app: ScenarioApp): number[] {
  const replicas = app.replicas ?? 1;
  let left =
    app.imagePullFailure === 'all'
      ? Number.POSITIVE_INFINITY
      : app.imagePullFailure ?? 0;
  return (app.versions ?? ['v1']).map(() => {
    const failing = Math.min(left, replicas);
    left -= failing;
    return failing;
  });
}

/** Builds the cluster's initial objects from a scenario. */
export function buildObjects(scenario: Scenario): BuiltCluster {
  const randomStart = scenario.randomStart ?? 0;
  const istio = scenario.istio;
  const rootNs = istio.namespace ?? 'istio-system';
  const revision = istio.revision ?? 'default';
  const hub = istio.hub ?? 'docker.io/istio';
  const tag = istio.tag ?? istio.version;
  const proxyTag = istio.proxyVersion ?? tag;
  const planes = controlPlanesOf(scenario);
  const injection = injectionContextOf(planes);
  const objects: KubeObject[] = [];
  const pods: PodRuntime[] = [];

  const namespaces = allNamespaces(scenario);
  const namespaceNames = new Set(namespaces.map(n => n.name));
  const ensureNamespace = (
    name: string,
    labels: Record<string, string> = {},
  ) => {
    if (namespaceNames.has(name)) return;
    namespaceNames.add(name);
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(name, undefined, {
        'kubernetes.io/metadata.name': name,
        ...labels,
      }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  };
  for (const ns of namespaces) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(
        ns.name,
        undefined,
        { 'kubernetes.io/metadata.name': ns.name, ...(ns.labels ?? {}) },
        ns.annotations,
      ),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  ensureNamespace('kube-system');
  ensureNamespace(rootNs);

  const imagePull = (image: string) =>
    istio.imagePullFailure ? pullBackOff(image) : undefined;

  /** Adds a Deployment and its pods. */
  const addWorkload = (options: {
    namespace: string;
    name: string;
    app: string;
    version: string;
    replicas: number;
    image: string;
    containerName: string;
    ports: Array<{ name: string; port: number }>;
    podLabels?: Record<string, string>;
    appMemoryMi: number;
    mode:
      | 'sidecar'
      | 'none'
      | 'ambient'
      | 'gateway-injected'
      | 'gateway-plain'
      | 'control-plane';
    extraAnnotations?: Record<string, string>;
    /** The Deployment's selector; `app` and `version` by default. */
    selector?: Record<string, string>;
    /** The injected proxy; the default control plane's by default. */
    proxy?: PodProxy;
    /** How many of the replicas (the first ones) cannot pull the proxy image. */
    pullFailures?: number;
  }) => {
    const proxy = options.proxy ?? { plane: planes[0], tag: proxyTag };
    const pullFailures = Math.min(options.pullFailures ?? 0, options.replicas);
    const selector = options.selector ?? {
      app: options.app,
      version: options.version,
    };
    const labels = {
      app: options.app,
      version: options.version,
      ...(options.podLabels ?? {}),
    };
    const templateHash = stableSuffix(
      9,
      randomStart,
      options.namespace,
      options.name,
      'rs',
    ).replace(/^(.)/, '6');
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(options.name, options.namespace, {
        app: options.app,
        version: options.version,
      }),
      spec: {
        replicas: options.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            containers: [{ name: options.containerName, image: options.image }],
          },
        },
      },
      status: {
        replicas: options.replicas,
        readyReplicas:
          istio.imagePullFailure && options.mode !== 'none'
            ? 0
            : options.replicas - pullFailures,
        availableReplicas: options.replicas,
        observedGeneration: 1,
      },
    });
    const deployment = objects[objects.length - 1];
    // The ReplicaSet between the Deployment and its pods, as the Kubernetes plugin expects.
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        ...meta(`${options.name}-${templateHash}`, options.namespace, {
          ...labels,
          'pod-template-hash': templateHash,
        }),
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: options.name,
            controller: true,
            uid: stableSuffix(12, options.namespace, options.name, 'deploy'),
          },
        ],
      },
      spec: {
        replicas: options.replicas,
        selector: {
          matchLabels: { ...selector, 'pod-template-hash': templateHash },
        },
        template: (deployment.spec as { template: unknown }).template,
      },
      status: {
        replicas: options.replicas,
        readyReplicas: (deployment.status as { readyReplicas: number })
          .readyReplicas,
        availableReplicas: options.replicas,
        observedGeneration: 1,
      },
    });
    for (let r = 0; r < options.replicas; r++) {
      const podName = `${options.name}-${templateHash}-${stableSuffix(
        5,
        randomStart,
        options.namespace,
        options.name,
        r,
      )}`;
      const proxyImage = `${hub}/proxyv2:${proxy.tag}`;
      const proxyPull =
        r < pullFailures ? pullBackOff(proxyImage) : imagePull(proxyImage);
      const appContainer = {
        name: options.containerName,
        image: options.image,
        ports: options.ports.map(p => ({
          name: p.name,
          containerPort: p.port,
          protocol: 'TCP',
        })),
        resources: { requests: { cpu: '10m', memory: '64Mi' } },
      };
      const proxyContainer = {
        name: 'istio-proxy',
        image: proxyImage,
        args: [
          'proxy',
          options.mode === 'sidecar' ? 'sidecar' : 'router',
          '--domain',
          '$(POD_NAMESPACE).svc.cluster.local',
        ],
        ports: [
          { name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' },
        ],
        env: [{ name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' }],
        resources: {
          requests: { cpu: '100m', memory: '128Mi' },
          limits: { cpu: '2', memory: '1Gi' },
        },
      };
      const podLabels: Record<string, string> = {
        ...labels,
        'pod-template-hash': templateHash,
      };
      const annotations: Record<string, string> = {
        ...(options.extraAnnotations ?? {}),
      };
      const containers: Record<string, unknown>[] = [];
      const initContainers: Record<string, unknown>[] = [];
      const containerStatuses: Record<string, unknown>[] = [];
      const initContainerStatuses: Record<string, unknown>[] = [];
      const running = (
        name: string,
        image: string,
        failure?: ReturnType<typeof imagePull>,
      ) => ({
        name,
        image,
        imageID: failure
          ? ''
          : `${image.split(':')[0]}@sha256:${stableSuffix(16, image)}`,
        ready: !failure,
        restartCount: 0,
        started: !failure,
        state: failure ?? {
          running: {
            startedAt: new Date(Date.now() - 3 * 86400_000).toISOString(),
          },
        },
      });

      let hasProxy = false;
      const isGateway =
        options.mode === 'gateway-injected' || options.mode === 'gateway-plain';
      if (options.mode === 'sidecar' || options.mode === 'gateway-injected') {
        hasProxy = true;
        const injectedInit: string[] = [];
        podLabels['security.istio.io/tlsMode'] = 'istio';
        podLabels['service.istio.io/canonical-name'] = options.app;
        podLabels['service.istio.io/canonical-revision'] = options.version;
        // The injector notes its revision in an `istio.io/rev` annotation (Istio >= 1.18)
        // and in `sidecar.istio.io/status`; it leaves the pod's labels alone since 1.11.
        if ((minorOf(proxy.plane.version) ?? 99) >= 18)
          annotations['istio.io/rev'] = proxy.plane.revision;
        if (options.mode === 'gateway-injected') {
          annotations['inject.istio.io/templates'] = 'gateway';
          podLabels['sidecar.istio.io/inject'] = 'true';
          podLabels.istio = 'ingressgateway';
        }
        if (options.mode === 'sidecar') {
          if (istio.cni) {
            initContainers.push({
              name: 'istio-validation',
              image: proxyImage,
              args: ['istio-iptables', '--run-validation', '--skip-rule-apply'],
            });
            injectedInit.push('istio-validation');
          } else {
            initContainers.push({
              name: 'istio-init',
              image: proxyImage,
              args: [
                'istio-iptables',
                '-p',
                '15001',
                '-z',
                '15006',
                '-u',
                '1337',
                '-m',
                'REDIRECT',
                '-i',
                '*',
                '-x',
                '',
                '-b',
                '*',
                '-d',
                '15090,15021,15020',
              ],
              securityContext: {
                capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
                runAsUser: 0,
                runAsNonRoot: false,
              },
            });
            injectedInit.push('istio-init');
          }
          initContainerStatuses.push({
            ...running(injectedInit[0], proxyImage, proxyPull),
            state: proxyPull ?? {
              terminated: { exitCode: 0, reason: 'Completed' },
            },
          });
        }
        const native = options.mode === 'sidecar' && proxy.plane.nativeSidecars;
        if (native) {
          initContainers.push({ ...proxyContainer, restartPolicy: 'Always' });
          initContainerStatuses.push(
            running('istio-proxy', proxyImage, proxyPull),
          );
        } else {
          containers.push(
            options.mode === 'gateway-injected'
              ? {
                  ...proxyContainer,
                  ports: [
                    ...proxyContainer.ports,
                    ...options.ports.map(p => ({
                      name: p.name,
                      containerPort: p.port,
                      protocol: 'TCP',
                    })),
                  ],
                }
              : proxyContainer,
          );
          containerStatuses.push(running('istio-proxy', proxyImage, proxyPull));
        }
        annotations['sidecar.istio.io/status'] = JSON.stringify({
          initContainers: native
            ? [...injectedInit, 'istio-proxy']
            : injectedInit,
          containers:
            native || options.mode === 'gateway-injected'
              ? []
              : ['istio-proxy'],
          volumes: [
            'workload-socket',
            'credential-socket',
            'workload-certs',
            'istio-envoy',
            'istio-data',
            'istio-podinfo',
            'istio-token',
            'istiod-ca-cert',
          ],
          imagePullSecrets: null,
          revision: proxy.plane.revision,
        });
        annotations['kubectl.kubernetes.io/default-container'] =
          options.mode === 'gateway-injected'
            ? 'istio-proxy'
            : options.containerName;
        if (prometheusMergeOf(proxy.plane)) {
          annotations['prometheus.io/path'] = '/stats/prometheus';
          annotations['prometheus.io/port'] = '15020';
          annotations['prometheus.io/scrape'] = 'true';
        }
      } else if (options.mode === 'gateway-plain') {
        hasProxy = true;
        podLabels.istio = 'ingressgateway';
        containers.push({
          ...proxyContainer,
          ports: [
            ...proxyContainer.ports,
            ...options.ports.map(p => ({
              name: p.name,
              containerPort: p.port,
              protocol: 'TCP',
            })),
          ],
        });
        containerStatuses.push(running('istio-proxy', proxyImage, proxyPull));
      } else if (options.mode === 'ambient') {
        annotations['ambient.istio.io/redirection'] = 'enabled';
      }
      if (
        options.mode !== 'gateway-injected' &&
        options.mode !== 'gateway-plain'
      ) {
        // The app container cannot start while an injected init container is stuck.
        const initStuck = initContainerStatuses.some(
          st => (st as { state?: { waiting?: unknown } }).state?.waiting,
        );
        const failure =
          options.mode === 'control-plane'
            ? imagePull(options.image)
            : (initStuck && {
                waiting: { reason: 'PodInitializing', message: '' },
              }) ||
              undefined;
        containers.unshift(appContainer);
        containerStatuses.unshift(
          running(options.containerName, options.image, failure),
        );
      }
      const allReady = [...containerStatuses, ...initContainerStatuses].every(
        s =>
          (s as { ready: boolean }).ready ||
          (s as { state?: { terminated?: unknown } }).state?.terminated,
      );
      objects.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          ...meta(podName, options.namespace, podLabels, annotations),
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: `${options.name}-${templateHash}`,
              controller: true,
              uid: stableSuffix(12, options.namespace, options.name),
            },
          ],
        },
        spec: {
          containers,
          ...(initContainers.length ? { initContainers } : {}),
          nodeName: `node-${
            1 + Math.floor(stableRandom(randomStart, podName, 'node') * 6)
          }`,
          restartPolicy: 'Always',
          serviceAccountName: options.app,
        },
        status: {
          phase: allReady ? 'Running' : 'Pending',
          conditions: [{ type: 'Ready', status: allReady ? 'True' : 'False' }],
          podIP: `10.${Math.floor(
            stableRandom(randomStart, podName, 'a') * 250,
          )}.${Math.floor(stableRandom(randomStart, podName, 'b') * 250)}.${
            2 + Math.floor(stableRandom(randomStart, podName, 'c') * 250)
          }`,
          startTime: new Date(Date.now() - 3 * 86400_000).toISOString(),
          containerStatuses,
          ...(initContainerStatuses.length ? { initContainerStatuses } : {}),
        },
      });
      pods.push({
        namespace: options.namespace,
        name: podName,
        workload: options.name,
        app: options.app,
        version: options.version,
        appMemoryBytes: Math.round(
          options.appMemoryMi *
            MI *
            (0.95 + 0.1 * stableRandom(randomStart, podName, 'appmem')),
        ),
        appContainer: options.containerName,
        hasProxy: hasProxy && !istio.imagePullFailure && r >= pullFailures,
        isGateway,
        ambient: options.mode === 'ambient',
        proxyVersion: proxy.tag,
        ...(hasProxy ? { revision: proxy.plane.revision } : {}),
      });
    }
  };

  const addService = (
    namespace: string,
    name: string,
    app: string,
    ports: Array<{ name: string; port: number }>,
    selector?: Record<string, string>,
  ) => {
    const ip = `10.96.${Math.floor(
      stableRandom(randomStart, namespace, name, 'ip1') * 250,
    )}.${
      1 + Math.floor(stableRandom(randomStart, namespace, name, 'ip2') * 250)
    }`;
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, namespace, { app, service: name }),
      spec: {
        type: 'ClusterIP',
        clusterIP: ip,
        clusterIPs: [ip],
        ports: ports.map(p => ({
          name: p.name,
          port: p.port,
          targetPort: p.port,
          protocol: 'TCP',
        })),
        selector: selector ?? { app },
      },
      status: { loadBalancer: {} },
    });
  };

  // Control planes: the default one, then each further revision.
  const addControlPlane = (plane: ControlPlane) => {
    const name = istiodName(plane.revision);
    const labels = istiodLabelsOf(plane.revision);
    addWorkload({
      namespace: rootNs,
      name,
      app: 'istiod',
      version: plane.version,
      replicas: 1,
      image: `${hub}/pilot:${plane.imageTag}`,
      containerName: 'discovery',
      ports: [
        { name: 'grpc-xds', port: 15010 },
        { name: 'https-dns', port: 15012 },
        { name: 'http-monitoring', port: 15014 },
      ],
      podLabels: labels,
      appMemoryMi: 350,
      mode: 'control-plane',
      selector: plane.isDefault
        ? undefined
        : { app: 'istiod', 'istio.io/rev': plane.revision },
    });
    finishIstiod(objects, rootNs, name, {
      labels,
      installLabels: istiodInstallLabels(plane.version, istio.installMethod),
      env: [
        { name: 'REVISION', value: plane.revision },
        {
          name: 'PILOT_TRACE_SAMPLING',
          value: String(
            (plane.meshConfig as any).defaultConfig?.tracing?.sampling ?? 1,
          ),
        },
      ],
    });
    addService(
      rootNs,
      name,
      'istiod',
      [
        { name: 'grpc-xds', port: 15010 },
        { name: 'https-dns', port: 15012 },
        { name: 'https-webhook', port: 443 },
        { name: 'http-monitoring', port: 15014 },
      ],
      plane.revision === 'default'
        ? { app: 'istiod', istio: 'pilot' }
        : { app: 'istiod', 'istio.io/rev': plane.revision },
    );
    objects.push(
      ...controlPlaneConfigMaps(plane, {
        rootNs,
        hub,
        cni: Boolean(istio.cni),
        helm: istio.installMethod === 'helm',
      }),
    );
  };
  planes.forEach(addControlPlane);

  if (istio.cni) {
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta('istio-cni-node', rootNs, {
        'k8s-app': 'istio-cni-node',
        'istio.io/rev': revision,
      }),
      spec: {
        selector: { matchLabels: { 'k8s-app': 'istio-cni-node' } },
        template: {
          metadata: { labels: { 'k8s-app': 'istio-cni-node' } },
          spec: {
            containers: [
              { name: 'install-cni', image: `${hub}/install-cni:${tag}` },
            ],
          },
        },
      },
      status: daemonSetStatus(Boolean(istio.imagePullFailure)),
    });
  }
  if (istio.ambient) {
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta('ztunnel', rootNs, { app: 'ztunnel' }),
      spec: {
        selector: { matchLabels: { app: 'ztunnel' } },
        template: {
          metadata: { labels: { app: 'ztunnel' } },
          spec: {
            containers: [
              { name: 'istio-proxy', image: `${hub}/ztunnel:${tag}` },
            ],
          },
        },
      },
      status: daemonSetStatus(Boolean(istio.imagePullFailure)),
    });
  }
  if (istio.operatorDeployed) {
    ensureNamespace('istio-operator');
    addWorkload({
      namespace: 'istio-operator',
      name: 'istio-operator',
      app: 'istio-operator',
      version: istio.version,
      replicas: 1,
      image: `${hub}/operator:${istio.operatorVersion ?? tag}`,
      containerName: 'istio-operator',
      ports: [{ name: 'http-metrics', port: 8383 }],
      appMemoryMi: 80,
      mode: 'none',
    });
  }
  for (const iop of istio.operatorCrd ? istio.istioOperators ?? [] : []) {
    objects.push({
      ...iop,
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
    });
  }

  // Kiali.
  if (scenario.kiali) {
    const kialiConfig = {
      server: { web_root: scenario.kiali.webRoot ?? '/kiali', port: 20001 },
      istio_namespace: rootNs,
      external_services: scenario.kiali.externalServices,
      auth: { strategy: 'anonymous' },
    };
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('kiali', scenario.kiali.namespace, { app: 'kiali' }),
      data: { 'config.yaml': yaml.stringify(kialiConfig) },
    });
    addWorkload({
      namespace: scenario.kiali.namespace,
      name: 'kiali',
      app: 'kiali',
      version: 'v2.2.0',
      replicas: 1,
      image: 'quay.io/kiali/kiali:v2.2.0',
      containerName: 'kiali',
      ports: [
        { name: 'http', port: 20001 },
        { name: 'http-metrics', port: 9090 },
      ],
      appMemoryMi: 90,
      mode: 'none',
    });
    addService(scenario.kiali.namespace, 'kiali', 'kiali', [
      { name: 'http', port: 20001 },
      { name: 'http-metrics', port: 9090 },
    ]);
  }

  /** The proxy of a pod the given revision injects. */
  const podProxy = (injecting: string, proxyVersion?: string): PodProxy => {
    const plane = planes.find(p => p.revision === injecting)!;
    return { plane, tag: proxyVersion ?? plane.proxyTag };
  };
  const namespaceLabels = (name: string) =>
    namespaces.find(n => n.name === name)?.labels ?? {};

  // Gateways.
  for (const gw of scenario.gateways ?? []) {
    ensureNamespace(gw.namespace);
    // Gateway injection goes through the `sidecar.istio.io/inject=true` pod label.
    const gatewayRevision =
      injectingRevision(
        namespaceLabels(gw.namespace),
        { 'sidecar.istio.io/inject': 'true' },
        injection,
      ) ?? revision;
    const ports = [
      { name: 'status-port', port: 15021 },
      { name: 'http2', port: 80 },
      { name: 'https', port: 443 },
    ];
    addWorkload({
      namespace: gw.namespace,
      name: gw.name,
      app: gw.name,
      version: istio.version,
      replicas: gw.replicas ?? 1,
      image:
        gw.injectionTemplate === 'gateway'
          ? 'auto'
          : `${hub}/proxyv2:${proxyTag}`,
      containerName: 'istio-proxy',
      ports,
      appMemoryMi: 0,
      mode:
        gw.injectionTemplate === 'gateway'
          ? 'gateway-injected'
          : 'gateway-plain',
      proxy:
        gw.injectionTemplate === 'gateway'
          ? podProxy(gatewayRevision)
          : undefined,
    });
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(gw.name, gw.namespace, {
        app: gw.name,
        istio: 'ingressgateway',
      }),
      spec: {
        type: 'LoadBalancer',
        clusterIP: '10.96.0.80',
        ports: ports.map(p => ({
          name: p.name,
          port: p.port,
          targetPort: p.port,
          protocol: 'TCP',
        })),
        selector: { app: gw.name, istio: 'ingressgateway' },
      },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
    });
  }

  // Applications.
  for (const ns of namespaces) {
    const ambient =
      ns.labels?.['istio.io/dataplane-mode'] === 'ambient' &&
      !ns.labels?.['istio-injection'] &&
      !ns.labels?.['istio.io/rev'];
    for (const app of ns.apps ?? []) {
      const ports = [
        { name: app.portName ?? 'http', port: app.port ?? 8080 },
        ...(app.extraPorts ?? []),
      ];
      const injecting = injectingRevision(
        ns.labels ?? {},
        app.podLabels ?? {},
        injection,
      );
      const appRevision = app.noSidecar ? undefined : injecting;
      const pullFailures = pullFailuresPerVersion(app);
      for (const [i, version] of (app.versions ?? ['v1']).entries()) {
        addWorkload({
          namespace: ns.name,
          name: `${app.name}-${version}`,
          app: app.name,
          version,
          replicas: app.replicas ?? 1,
          image: app.image ?? `registry.example.com/${app.name}:${version}`,
          containerName: app.name,
          ports,
          podLabels: app.podLabels,
          appMemoryMi: app.appMemoryMi ?? 60,
          mode: podMode(ambient && !appRevision, Boolean(appRevision)),
          extraAnnotations:
            app.noSidecar && injecting
              ? { 'sidecar.istio.io/inject': 'false' }
              : undefined,
          proxy: appRevision
            ? podProxy(appRevision, app.proxyVersion)
            : undefined,
          pullFailures: appRevision ? pullFailures[i] : 0,
        });
      }
      if (!app.noService) addService(ns.name, app.name, app.name, ports);
    }
  }

  // Filler namespaces that start out scoped.
  for (const name of scopedFillerNamespaces(scenario)) {
    objects.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: meta('default', name),
      spec: { egress: [{ hosts: ['./*', `${rootNs}/*`] }] },
    });
  }

  for (const extra of scenario.objects ?? [])
    objects.push(JSON.parse(JSON.stringify(extra)));

  // Endpoints follow the Services' selectors.
  const podObjects = objects.filter(o => o.kind === 'Pod');
  for (const svc of objects.filter(o => o.kind === 'Service')) {
    const selector =
      (svc.spec as { selector?: Record<string, string> }).selector ?? {};
    const ready = podObjects.filter(
      p =>
        p.metadata.namespace === svc.metadata.namespace &&
        Object.entries(selector).every(
          ([k, v]) => p.metadata.labels?.[k] === v,
        ),
    );
    objects.push({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: meta(
        svc.metadata.name,
        svc.metadata.namespace,
        svc.metadata.labels,
      ),
      subsets: ready.length
        ? [
            {
              addresses: ready.map(p => ({
                ip: (p.status as { podIP: string }).podIP,
                targetRef: {
                  kind: 'Pod',
                  name: p.metadata.name,
                  namespace: p.metadata.namespace,
                },
              })),
              ports: (
                svc.spec as { ports: Array<{ name: string; port: number }> }
              ).ports.map(p => ({
                name: p.name,
                port: p.port,
                protocol: 'TCP',
              })),
            },
          ]
        : [],
    });
  }
  objects.push(...injectorWebhooks(planes, injection, rootNs));
  return { objects, pods };
}
