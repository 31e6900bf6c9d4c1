import { renderInTestApp } from '@backstage/test-utils';
import type {
  IstioControlPlane,
  IstioMeshConfig,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import { screen } from '@testing-library/react';
import { MeshStatusCard } from './MeshStatusCard';

/** A calendar day in the user's locale, as the browser formats it. */
const day = (iso: string) =>
  new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(new Date(`${iso}T00:00:00Z`));

const memory: IstioSidecarMemoryResponse = {
  entityRef: 'component:default/productpage',
  items: [
    {
      cluster: 'demo',
      namespace: 'istio-demo',
      windowDays: 7,
      proxies: [],
      sidecarsInForce: [],
      warnings: [],
      errors: [],
    },
  ],
  errors: [],
};

function meshWith(support: IstioControlPlane['support']): IstioMeshConfig {
  return {
    cluster: 'demo',
    kubernetesVersion: 'v1.33.2',
    controlPlanes: [
      {
        revision: 'default',
        namespace: 'istio-system',
        version: '1.30.1',
        installMethod: 'helm',
        support,
      },
    ],
  } as unknown as IstioMeshConfig;
}

describe('MeshStatusCard', () => {
  it("shows a 'check' verdict as likely end of life, with the estimate and the matrix date", async () => {
    await renderInTestApp(
      <MeshStatusCard
        memory={memory}
        meshByCluster={{
          demo: meshWith({
            verdict: 'check',
            reasons: [
              "Istio 1.30's end of life was expected around 2026-11-30 and has likely passed; check istio.io's supported releases",
            ],
            endOfLife: '2026-11-30',
            endOfLifeExpected: true,
            matrixAsOf: '2026-11-01',
          }),
        }}
      />,
    );
    expect(
      screen.getByText(
        `Istio 1.30.1 on Kubernetes v1.33.2: likely end of life — check: Istio 1.30's end of life was expected around ${day(
          '2026-11-30',
        )} and has likely passed; check istio.io's supported releases (support matrix as of ${day(
          '2026-11-01',
        )})`,
      ),
    ).toBeInTheDocument();
  });

  it('shows an unsupported verdict with its reasons', async () => {
    await renderInTestApp(
      <MeshStatusCard
        memory={memory}
        meshByCluster={{
          demo: meshWith({
            verdict: 'unsupported',
            reasons: ['Istio 1.28 reached end of life on 2026-07-01'],
          }),
        }}
      />,
    );
    expect(
      screen.getByText(
        `Istio 1.30.1 on Kubernetes v1.33.2: unsupported — Istio 1.28 reached end of life on ${day(
          '2026-07-01',
        )}`,
      ),
    ).toBeInTheDocument();
  });

  it('lays each value out under its label, wrapping at words, in a narrow side column', async () => {
    await renderInTestApp(
      <div style={{ width: 300 }}>
        <MeshStatusCard
          memory={memory}
          meshByCluster={{
            demo: meshWith({
              verdict: 'unsupported',
              reasons: ['Istio 1.28 reached end of life on 2026-07-01'],
            }),
          }}
        />
      </div>,
    );
    const support = screen.getByTestId('istio-mesh-status-support');
    expect(support).toHaveTextContent(
      `Istio 1.30.1 on Kubernetes v1.33.2: unsupported — Istio 1.28 reached end of life on ${day(
        '2026-07-01',
      )}`,
    );
    expect(support.previousElementSibling).toHaveTextContent('Support');
    expect(support).toHaveStyle({ wordBreak: 'normal' });
    expect(support.style.width).toBe('');
    expect(support.closest('table')).toBeNull();
    // The long verdict takes the whole width; short values share it when they fit.
    expect(support.parentElement).toHaveStyle({ gridColumn: '1 / -1' });
    expect(screen.getByText('istio-demo')).toHaveStyle({
      wordBreak: 'normal',
    });
  });
});
