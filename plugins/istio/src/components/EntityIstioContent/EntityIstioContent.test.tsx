import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { istioApiRef, type IstioApi } from '../../api';
import { EntityIstioContent } from './EntityIstioContent';

function entityWith(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'productpage', annotations },
    spec: { type: 'service', owner: 'bookinfo-team', lifecycle: 'production' },
  };
}

function renderFor(entity: Entity, api: Partial<IstioApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[istioApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityIstioContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityIstioContent', () => {
  it('asks for the Kubernetes annotations when the entity has none', async () => {
    const getClusters = jest.fn();
    await renderFor(entityWith({}), { getClusters });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/backstage.io\/kubernetes-id/).length,
    ).toBeGreaterThan(0);
    expect(getClusters).not.toHaveBeenCalled();
  });

  it('shows how the workloads are found and the configured clusters', async () => {
    await renderFor(
      entityWith({
        'backstage.io/kubernetes-id': 'productpage',
        'backstage.io/kubernetes-namespace': 'istio-demo',
      }),
      {
        getClusters: async () => ({
          items: [
            {
              name: 'demo',
              title: 'Demo mesh',
              links: {},
              prometheusConfigured: true,
            },
          ],
        }),
      },
    );
    expect(
      await screen.findByText('backstage.io/kubernetes-id=productpage'),
    ).toBeInTheDocument();
    expect(screen.getByText('istio-demo')).toBeInTheDocument();
    expect(screen.getByText('Demo mesh')).toBeInTheDocument();
  });

  it('says so when no cluster is configured instead of inventing one', async () => {
    await renderFor(
      entityWith({ 'backstage.io/kubernetes-label-selector': 'app=ratings' }),
      {
        getClusters: async () => ({ items: [] }),
      },
    );
    expect(await screen.findByText('app=ratings')).toBeInTheDocument();
    expect(screen.getByText(/none configured/)).toBeInTheDocument();
  });

  it('shows the backend error when the clusters cannot be read', async () => {
    await renderFor(entityWith({ 'backstage.io/kubernetes-id': 'details' }), {
      getClusters: async () => {
        throw new Error('backend unavailable');
      },
    });
    expect(
      (await screen.findAllByText(/backend unavailable/)).length,
    ).toBeGreaterThan(0);
  });
});
