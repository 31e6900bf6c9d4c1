import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type { IstioSidecarApplyResult } from '@istio-backstage/plugin-istio-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { istioApiRef, type IstioApi } from '../../api';
import { ApplySidecarButton } from './ApplySidecarButton';

const result = (dryRun: boolean): IstioSidecarApplyResult => ({
  cluster: 'demo',
  namespace: 'istio-demo',
  dryRun,
  changes: [
    {
      name: 'productpage',
      namespace: 'istio-demo',
      action: 'configured',
      hostsBefore: ['*/*'],
      hostsAfter: ['./*', 'istio-system/*'],
    },
  ],
  yaml: 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: productpage\n',
});

// usePermission caches answers by input, so each test uses its own entity.
let counter = 0;
const target = () => ({
  entityRef: `component:default/productpage-${++counter}`,
  cluster: 'demo',
  namespace: 'istio-demo',
});

function renderButton(options: {
  allow: boolean;
  applySidecar: IstioApi['applySidecar'];
  onApplied?: () => void;
  seen?: string[];
}) {
  const permissionApi = mockApis.permission({
    authorize: request => {
      options.seen?.push(request.permission.name);
      return options.allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY;
    },
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [istioApiRef, { applySidecar: options.applySidecar }],
        [permissionApiRef, permissionApi],
      ]}
    >
      <ApplySidecarButton target={target()} onApplied={options.onApplied} />
    </TestApiProvider>,
  );
}

describe('ApplySidecarButton', () => {
  it('is hidden from users not allowed istio.sidecar.apply, and calls nothing', async () => {
    const applySidecar = jest.fn();
    const seen: string[] = [];
    await renderButton({ allow: false, applySidecar, seen });
    await waitFor(() => expect(seen).toEqual(['istio.sidecar.apply']));
    expect(screen.queryByRole('button', { name: /apply/i })).toBeNull();
    expect(applySidecar).not.toHaveBeenCalled();
  });

  it('shows the dry run and its change first, then applies only on the second click', async () => {
    const applySidecar = jest.fn(async request => result(request.dryRun));
    const onApplied = jest.fn();
    await renderButton({ allow: true, applySidecar, onApplied });

    fireEvent.click(
      await screen.findByRole('button', { name: /apply sidecar/i }),
    );
    expect(await screen.findByText(/Dry run accepted/)).toBeInTheDocument();
    expect(applySidecar).toHaveBeenCalledTimes(1);
    expect(applySidecar.mock.calls[0][0]).toMatchObject({
      cluster: 'demo',
      namespace: 'istio-demo',
      dryRun: true,
    });
    expect(
      screen.getByText(/will change its egress hosts/),
    ).toBeInTheDocument();
    expect(screen.getByText('Hosts now: */*')).toBeInTheDocument();
    expect(
      screen.getByText('Hosts after: ./*, istio-system/*'),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: /^apply$/i }));
    expect(await screen.findByText(/^Applied\./)).toBeInTheDocument();
    expect(applySidecar).toHaveBeenCalledTimes(2);
    expect(applySidecar.mock.calls[1][0]).toMatchObject({ dryRun: false });
    expect(onApplied).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: /close/i }));
    expect(onApplied).toHaveBeenCalledTimes(1);
  });

  it('shows a refused dry run and offers no way to apply', async () => {
    const applySidecar = jest.fn(async () => {
      throw new Error(
        'Apply failed with conflict: conflict with "kubectl-client-side-apply"',
      );
    });
    await renderButton({ allow: true, applySidecar });
    fireEvent.click(
      await screen.findByRole('button', { name: /apply sidecar/i }),
    );
    expect(
      await screen.findByText(/The dry run failed, nothing was changed/),
    ).toHaveTextContent('kubectl-client-side-apply');
    expect(screen.getByRole('button', { name: /^apply$/i })).toBeDisabled();
    expect(applySidecar).toHaveBeenCalledTimes(1);
  });

  it('does not offer to apply when the cluster already has the recommendation', async () => {
    const applySidecar = jest.fn(async () => ({
      ...result(true),
      changes: [{ ...result(true).changes[0], action: 'unchanged' as const }],
    }));
    await renderButton({ allow: true, applySidecar });
    fireEvent.click(
      await screen.findByRole('button', { name: /apply sidecar/i }),
    );
    expect(
      await screen.findByText(/is already as recommended/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^apply$/i })).toBeDisabled();
  });
});
