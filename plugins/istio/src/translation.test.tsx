import {
  createTranslationMessages,
  translationApiRef,
} from '@backstage/core-plugin-api/alpha';
import {
  createExtensionTester,
  renderInTestApp as renderInNewApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  IstioDiagnostic,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import { screen, within } from '@testing-library/react';
import { translationApiWith } from './__testUtils__/translation';
import { istioEntityCard, istioTranslationRef } from './alpha';
import { istioApiRef, type IstioApi } from './api';
import { DiagnosticsTable } from './components/IstioMeshPage/DiagnosticsTable';
import { MeshStatusCard } from './components/MeshStatusCard';
import { SidecarScopingCard } from './components/SidecarScopingCard';
import { istioMessages } from './translation';

/** What an app registers to reword the plugin: a few messages, the others as they are. */
const german = createTranslationMessages({
  ref: istioTranslationRef,
  messages: {
    'meshStatusCard.title': 'Mesh-Status',
    'meshStatusCard.fields.namespace': 'Namensraum',
    'sidecarScopingCard.title':
      'Sidecar-Eingrenzung — {{namespace}} in {{cluster}}',
    'diagnostics.severity.error': 'Fehler',
    'diagnostics.count.error_one': '{{count}} Fehler',
    'diagnostics.count.error_other': '{{count}} Fehler',
    'entityCard.title': 'Dienstnetz',
  },
});

const item: IstioSidecarMemoryResponse['items'][number] = {
  cluster: 'demo',
  namespace: 'istio-demo',
  windowDays: 7,
  proxies: [
    {
      cluster: 'demo',
      namespace: 'istio-demo',
      pod: 'productpage-v1-abc',
      proxyKind: 'ambient',
    },
  ],
  sidecarsInForce: [],
  warnings: [],
  errors: [],
};

const entityRef = 'component:default/productpage';

const memory: IstioSidecarMemoryResponse = {
  entityRef,
  items: [item],
  errors: [],
};

const collector: IstioDiagnostic = {
  code: 'IBS-TRACING-COLLECTOR-MISSING',
  scope: 'mesh',
  topic: 'tracing',
  severity: 'error',
  title: 'Tracing collector Service or port missing',
  message: 'Service observability/jaeger-collector has no port 9411.',
  fix: { text: 'Enable Zipkin on the collector.' },
};

describe('istioTranslationRef', () => {
  it('is the ref of the istio messages, exported for apps from the alpha entry', () => {
    expect(istioTranslationRef.id).toBe('istio');
    expect(istioMessages.meshStatusCard.title).toBe('Mesh status');
    expect(istioMessages.diagnostics.severity.error).toBe('Error');
  });

  it("shows the app's messages instead of the plugin's, values filled in, in a legacy app", async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[translationApiRef, translationApiWith(german)]]}>
        <MeshStatusCard memory={memory} meshByCluster={{}} />
        <SidecarScopingCard item={item} entityRef={entityRef} />
      </TestApiProvider>,
    );
    expect(screen.getByText('Mesh-Status')).toBeInTheDocument();
    expect(screen.getByText('Namensraum')).toBeInTheDocument();
    expect(
      screen.getByText('Sidecar-Eingrenzung — istio-demo in demo'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Mesh status')).toBeNull();
    // Messages the app left alone keep the plugin's English.
    expect(screen.getByText('Data plane')).toBeInTheDocument();
  });

  it('uses the plural forms an app gives for counted words', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[translationApiRef, translationApiWith(german)]]}>
        <DiagnosticsTable
          title="Diagnostics — demo"
          diagnostics={[
            collector,
            { ...collector, object: { kind: 'Namespace', name: 'shop' } },
          ]}
        />
      </TestApiProvider>,
    );
    expect(screen.getByText('2 Fehler')).toBeInTheDocument();
    const severity = screen.getByTestId('istio-diagnostic-severity');
    expect(within(severity).getByText('Fehler')).toBeInTheDocument();
  });

  it("shows the app's messages in the new frontend system", async () => {
    const api: Partial<IstioApi> = {
      getEntityMesh: async () => ({
        entityRef,
        clusters: { items: [], unusable: [] },
        sidecarMemory: memory,
        meshes: [],
        errors: [],
      }),
    };
    await renderInNewApp(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'productpage',
            annotations: { 'backstage.io/kubernetes-id': 'productpage' },
          },
        }}
      >
        {createExtensionTester(istioEntityCard).reactElement()}
      </EntityProvider>,
      {
        apis: [
          [istioApiRef, api],
          [translationApiRef, translationApiWith(german)],
        ],
      },
    );
    expect(await screen.findByText('Dienstnetz')).toBeInTheDocument();
    expect(
      await screen.findByText(
        '1 of 1 pod in the mesh: 1 ambient — cluster demo',
      ),
    ).toBeInTheDocument();
  });
});
