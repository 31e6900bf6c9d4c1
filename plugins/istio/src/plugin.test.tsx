import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  EntityIstioContent,
  istioApiRef,
  istioPlugin,
  isIstioAvailable,
} from './index';

const website: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'website' },
};

describe('istio plugin for the legacy frontend system', () => {
  it('exports the plugin with its API and the availability check', () => {
    expect(istioPlugin.getId()).toBe('istio');
    expect([...istioPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.istio.service',
    ]);
    expect(isIstioAvailable(website)).toBe(false);
  });

  it('mounts EntityIstioContent as a component extension in a legacy app', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[istioApiRef, { getClusters: jest.fn() }]]}>
        <EntityProvider entity={website}>
          <EntityIstioContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
  });
});
