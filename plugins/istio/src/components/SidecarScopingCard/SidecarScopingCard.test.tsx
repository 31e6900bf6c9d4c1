import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type {
  IstioMeasuredSaving,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import { createTheme, ThemeProvider } from '@material-ui/core/styles';
import { screen, within } from '@testing-library/react';
import { istioApiRef } from '../../api';
import { SidecarScopingCard } from './SidecarScopingCard';

const MI = 1024 * 1024;

type Item = IstioSidecarMemoryResponse['items'][number];

const proxy = (pod: string, memoryNowBytes: number) => ({
  cluster: 'demo',
  namespace: 'istio-demo',
  pod,
  workload: pod.split('-').slice(0, 2).join('-'),
  app: 'reviews',
  proxyKind: 'native-sidecar' as const,
  memoryNowBytes,
});

const item: Item = {
  cluster: 'demo',
  namespace: 'istio-demo',
  windowDays: 7,
  proxies: [
    proxy('reviews-v1-abc', 200 * MI),
    proxy('reviews-v2-def', 180 * MI),
  ],
  sidecarsInForce: [],
  recommendation: {
    cluster: 'demo',
    namespace: 'istio-demo',
    scope: 'workload',
    yaml: 'apiVersion: networking.istio.io/v1\nkind: Sidecar\n',
    objects: [{ name: 'reviews', hosts: ['./*', 'istio-system/*'] }],
    egress: [],
  },
  estimate: {
    perPodBytes: 150 * MI,
    totalBytes: 300 * MI,
    method: 'fitted',
    confidence: 'high',
    explanation: 'fitted on this mesh',
  },
  warnings: [],
  errors: [],
};

/** A theme with colours no default has, to see that the picture takes its own. */
const theme = createTheme({
  palette: {
    primary: { main: '#123456' },
    secondary: { main: '#654321' },
    text: { primary: '#0a0b0c' },
  },
});

function renderCard(card: Item) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [istioApiRef, {}],
        [
          permissionApiRef,
          mockApis.permission({ authorize: AuthorizeResult.DENY }),
        ],
      ]}
    >
      <ThemeProvider theme={theme}>
        <SidecarScopingCard item={card} entityRef="component:default/reviews" />
      </ThemeProvider>
    </TestApiProvider>,
  );
}

const measured = (
  change: Partial<IstioMeasuredSaving>,
): IstioMeasuredSaving => ({
  appliedAt: '2026-11-25T10:00:00.000Z',
  appliedBy: 'user:default/guest',
  beforeBytes: 223 * MI,
  afterBytes: 41 * MI,
  measuredAt: '2026-11-25T10:05:00.000Z',
  outcome: 'saving',
  explanation: '',
  ...change,
});

const local = (iso: string) =>
  new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));

describe('SidecarScopingCard', () => {
  it('draws each pod now against the estimate, in the theme colours, named for screen readers', async () => {
    await renderCard(item);
    const picture = screen.getByRole('img', {
      name: 'istio-proxy memory per pod. reviews-v1-abc: 200 MiB now, 50.0 MiB with Sidecar (estimate); reviews-v2-def: 180 MiB now, 30.0 MiB with Sidecar (estimate).',
    });
    expect(picture).toHaveAttribute('data-testid', 'istio-memory-per-pod');
    const bars = picture.querySelectorAll<HTMLElement>('[data-series]');
    expect(
      [...bars].map(b => [
        b.dataset.series,
        b.style.width,
        b.style.backgroundColor,
      ]),
    ).toEqual([
      ['primary', '100%', 'rgb(18, 52, 86)'],
      ['secondary', '25%', 'rgb(101, 67, 33)'],
      ['primary', '90%', 'rgb(18, 52, 86)'],
      ['secondary', '15%', 'rgb(101, 67, 33)'],
    ]);
    // Values are written beside the bars in the theme's text colour, never on them.
    const value = within(picture).getByText('200 MiB now');
    expect(getComputedStyle(value).color).toBe('rgb(10, 11, 12)');
    expect(value.closest('[data-series]')).toBeNull();
    expect(within(picture).getByText('reviews-v1-abc')).toBeInTheDocument();
  });

  it('states a measured saving and draws before against after', async () => {
    await renderCard({ ...item, measured: measured({}) });
    expect(screen.getByTestId('istio-measured-saving')).toHaveTextContent(
      `Applied by user:default/guest on ${local(
        '2026-11-25T10:00:00.000Z',
      )}: 223 MiB per pod before, 41.0 MiB measured after, a measured saving of 182 MiB per pod (measured ${local(
        '2026-11-25T10:05:00.000Z',
      )}).`,
    );
    expect(
      screen.getByRole('img', {
        name: 'istio-proxy memory before and after the Sidecar. Per pod (average): 223 MiB before, 41.0 MiB after: a measured saving of 182 MiB per pod.',
      }),
    ).toHaveAttribute('data-testid', 'istio-memory-before-after');
  });

  it('explains instead of claiming a saving when memory rose', async () => {
    await renderCard({
      ...item,
      measured: measured({
        afterBytes: 373 * MI,
        outcome: 'memory-rose',
        explanation:
          'memory rose 150 MiB since the Sidecar was applied on 2026-11-25T10:00:00.000Z; the Sidecar is no longer in force.',
      }),
    });
    const text = screen.getByTestId('istio-measured-saving').textContent;
    expect(text).toBe(
      `Applied by user:default/guest on ${local(
        '2026-11-25T10:00:00.000Z',
      )}: 223 MiB per pod before; no saving is claimed: memory rose 150 MiB since the Sidecar was applied on ${local(
        '2026-11-25T10:00:00.000Z',
      )}; the Sidecar is no longer in force.`,
    );
    expect(text).not.toMatch(/saving of|-\d/);
    expect(screen.queryByTestId('istio-memory-before-after')).toBeNull();
  });

  it('says the after reading is still to come while proxies settle', async () => {
    await renderCard({
      ...item,
      measured: measured({
        afterBytes: undefined,
        measuredAt: undefined,
        outcome: 'settling',
        explanation: 'proxies settle until 2026-11-25T10:01:00.000Z',
      }),
    });
    expect(screen.getByTestId('istio-measured-saving')).toHaveTextContent(
      `223 MiB per pod before; after not measured yet: proxies settle until ${local(
        '2026-11-25T10:01:00.000Z',
      )}.`,
    );
  });

  it('draws memory now alone when no Sidecar is recommended', async () => {
    await renderCard({
      ...item,
      recommendation: undefined,
      estimate: undefined,
    });
    const picture = screen.getByTestId('istio-memory-per-pod');
    expect(picture.querySelectorAll('[data-series="secondary"]')).toHaveLength(
      0,
    );
    expect(picture).toHaveAccessibleName(
      'istio-proxy memory per pod. reviews-v1-abc: 200 MiB now; reviews-v2-def: 180 MiB now.',
    );
  });
});
