import { Content, Header, Page } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { istioTranslationRef } from '../../translation';
import { IstioMeshContent } from './IstioMeshContent';

/**
 * The platform engineer's mesh page for the legacy frontend system: every configured
 * cluster's Istio installation and diagnostics, under its own header.
 *
 * @public
 */
export function IstioMeshPage() {
  const { t } = useTranslationRef(istioTranslationRef);
  return (
    <Page themeId="tool">
      <Header title={t('meshPage.title')} subtitle={t('meshPage.subtitle')} />
      <Content>
        <IstioMeshContent />
      </Content>
    </Page>
  );
}
