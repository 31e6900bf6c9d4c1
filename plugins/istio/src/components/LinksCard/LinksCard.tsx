import { InfoCard, Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { ToolLink } from '../../lib/links';

/**
 * Kiali, Grafana and Jaeger deep links for the entity; for a tool that is not
 * configured, one line naming the configuration key to set. Every line carries
 * `data-testid="istio-link-<id>"` (see `toolLinks`), so page checks can read each href.
 */
export function LinksCard({ links }: { links: ToolLink[] }) {
  return (
    <InfoCard title="Kiali, Grafana and Jaeger">
      <ul>
        {links.map(l => (
          <li key={l.id}>
            {'url' in l ? (
              <Link to={l.url} data-testid={`istio-link-${l.id}`}>
                {l.title}
              </Link>
            ) : (
              <Typography
                variant="body2"
                color="textSecondary"
                component="span"
                data-testid={`istio-link-${l.id}`}
              >
                {l.tool}: set <code>{l.missing}</code>
              </Typography>
            )}
          </li>
        ))}
      </ul>
    </InfoCard>
  );
}
