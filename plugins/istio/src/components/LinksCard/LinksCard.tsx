import { InfoCard, Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Typography from '@material-ui/core/Typography';
import type { ToolLink } from '../../lib/links';
import { istioTranslationRef } from '../../translation';

/**
 * Kiali, Grafana and Jaeger deep links for the entity; for a tool that is not
 * configured, one line naming the configuration key to set. Every line carries
 * `data-testid="istio-link-<id>"` (see `toolLinks`), so page checks can read each href.
 */
export function LinksCard({ links }: { links: ToolLink[] }) {
  const { t } = useTranslationRef(istioTranslationRef);
  return (
    <InfoCard title={t('linksCard.title')}>
      <ul>
        {links.map(l => (
          <li key={l.id}>
            {'url' in l ? (
              <Link to={l.url} data-testid={`istio-link-${l.id}`}>
                {t(`linksCard.links.${l.name}`)}
              </Link>
            ) : (
              <Typography
                variant="body2"
                color="textSecondary"
                component="span"
                data-testid={`istio-link-${l.id}`}
              >
                {t('linksCard.missing', {
                  tool: l.tool,
                  key: <code>{l.missing}</code>,
                })}
              </Typography>
            )}
          </li>
        ))}
      </ul>
    </InfoCard>
  );
}
