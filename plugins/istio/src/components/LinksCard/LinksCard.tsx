import { InfoCard, Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { ToolLink } from '../../lib/links';

/** Kiali, Grafana and Jaeger deep links; a hint for each tool that is not configured. */
export function LinksCard({ links }: { links: ToolLink[] }) {
  return (
    <InfoCard title="Kiali, Grafana and Jaeger">
      <ul>
        {links.map(l => (
          <li key={l.title}>
            {'url' in l ? (
              <Link to={l.url}>{l.title}</Link>
            ) : (
              <Typography
                variant="body2"
                color="textSecondary"
                component="span"
              >
                {l.title}: {l.missing}
              </Typography>
            )}
          </li>
        ))}
      </ul>
    </InfoCard>
  );
}
