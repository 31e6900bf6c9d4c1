import { Content, Header, Page } from '@backstage/core-components';
import { IstioMeshContent } from './IstioMeshContent';

/**
 * The platform engineer's mesh page for the legacy frontend system: every configured
 * cluster's Istio installation and diagnostics, under its own header.
 *
 * @public
 */
export function IstioMeshPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Service Mesh"
        subtitle="The Istio installation of every configured cluster, with its diagnostics"
      />
      <Content>
        <IstioMeshContent />
      </Content>
    </Page>
  );
}
