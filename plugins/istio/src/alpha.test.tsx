import { createExtensionTester } from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import istioPlugin, { istioEntityContent } from './alpha';

const annotated: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'productpage',
    annotations: { 'backstage.io/kubernetes-id': 'productpage' },
  },
};
const bare: Entity = { ...annotated, metadata: { name: 'website' } };

describe('istio plugin for the new frontend system', () => {
  it('is the istio plugin with the API and the entity tab', () => {
    expect(istioPlugin.id).toBe('istio');
  });

  it('mounts the Service Mesh tab at /istio, only for entities with Kubernetes annotations', () => {
    const tester = createExtensionTester(istioEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('/istio');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Service Mesh',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(annotated)).toBe(true);
    expect(filter?.(bare)).toBe(false);
  });
});
