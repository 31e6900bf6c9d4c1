import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import type {
  IstioSidecarApplyRequest,
  IstioSidecarApplyResult,
  IstioSidecarApplyStaleBody,
} from '@istio-backstage/plugin-istio-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  IstioClient,
  istioApiRef,
  StaleApplyError,
  type IstioApi,
} from '../../api';
import { ApplySidecarButton } from './ApplySidecarButton';

const result = (
  dryRun: boolean,
  digest: string = 'digest-1',
): IstioSidecarApplyResult => ({
  cluster: 'demo',
  namespace: 'istio-demo',
  dryRun,
  entityRef: 'component:default/productpage',
  digest,
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

/** What the backend answers when the Sidecars would differ from the reviewed dry run. */
const current: IstioSidecarApplyResult = {
  ...result(true, 'digest-2'),
  changes: [
    {
      name: 'productpage',
      namespace: 'istio-demo',
      action: 'configured',
      hostsBefore: ['*/*'],
      hostsAfter: ['./*', 'istio-system/*', 'payments/*'],
    },
  ],
};

/** A failed backend answer, as the real client turns it into an error. */
function refusal(status: number, name: string, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: status === 403 ? 'Forbidden' : 'Conflict',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

function renderButton(options: {
  allow: boolean;
  applySidecar?: IstioApi['applySidecar'];
  /** A whole client instead of `applySidecar` alone. */
  istioApi?: IstioApi;
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
        [
          istioApiRef,
          options.istioApi ?? { applySidecar: options.applySidecar },
        ],
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
    // The real apply asks for exactly what the dry run showed.
    expect(applySidecar.mock.calls[1][0]).toMatchObject({
      dryRun: false,
      digest: 'digest-1',
    });
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
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /The dry run failed, nothing was changed.*kubectl-client-side-apply/,
    );
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

  it('shows the new change when the reviewed one went stale, and applies it only when asked again', async () => {
    // The real client against a fake backend: the first real apply comes too late.
    const bodies: IstioSidecarApplyRequest[] = [];
    const istioApi = new IstioClient({
      discoveryApi: {
        getBaseUrl: async () => 'http://backstage.test/api/istio',
      },
      fetchApi: {
        fetch: async (_input: RequestInfo | URL, init?: RequestInit) => {
          const body = JSON.parse(
            String(init?.body),
          ) as IstioSidecarApplyRequest;
          bodies.push(body);
          if (body.dryRun) return new Response(JSON.stringify(result(true)));
          if (body.digest === current.digest)
            return new Response(JSON.stringify({ ...current, dryRun: false }));
          const stale: IstioSidecarApplyStaleBody = {
            error: {
              name: 'ConflictError',
              message: 'The Sidecars to write changed since the dry run',
            },
            response: { statusCode: 409 },
            current,
          };
          return new Response(JSON.stringify(stale), {
            status: 409,
            statusText: 'Conflict',
            headers: { 'Content-Type': 'application/json' },
          });
        },
      },
    });
    const onApplied = jest.fn();
    await renderButton({ allow: true, istioApi, onApplied });
    fireEvent.click(
      await screen.findByRole('button', { name: /apply sidecar/i }),
    );
    expect(
      await screen.findByText('Hosts after: ./*, istio-system/*'),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: /^apply$/i }));
    const notice = await screen.findByText(
      /Nothing was written: what would be written changed since you reviewed it/,
    );
    expect(
      screen.getByText('Hosts after: ./*, istio-system/*, payments/*'),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Hosts after: ./*, istio-system/*'),
    ).not.toBeInTheDocument();
    expect(screen.queryByText(/Dry run accepted/)).not.toBeInTheDocument();
    expect(screen.queryByText(/^Applied\./)).not.toBeInTheDocument();
    // The notice takes the focus, so it is read out before Apply is pressed again.
    expect(notice.closest('[role="alert"]')).toHaveFocus();
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toMatchObject({ dryRun: false, digest: 'digest-1' });

    fireEvent.click(screen.getByRole('button', { name: /^apply$/i }));
    expect(await screen.findByText(/^Applied\./)).toBeInTheDocument();
    expect(bodies).toHaveLength(3);
    expect(bodies[2]).toMatchObject({ dryRun: false, digest: 'digest-2' });
    expect(
      screen.getByText('Hosts after: ./*, istio-system/*, payments/*'),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: /close/i }));
    expect(onApplied).toHaveBeenCalledTimes(1);
  });

  it('stays stale as long as the backend says so, sending each new digest once', async () => {
    const digests: Array<string | undefined> = [];
    const applySidecar = jest.fn(async (request: IstioSidecarApplyRequest) => {
      if (request.dryRun) return result(true);
      digests.push(request.digest);
      throw new StaleApplyError('changed', {
        ...current,
        digest: `digest-${digests.length + 1}`,
      });
    });
    await renderButton({ allow: true, applySidecar });
    fireEvent.click(
      await screen.findByRole('button', { name: /apply sidecar/i }),
    );
    await screen.findByText(/Dry run accepted/);
    fireEvent.click(screen.getByRole('button', { name: /^apply$/i }));
    await waitFor(() => expect(digests).toEqual(['digest-1']));
    await screen.findByText(/Nothing was written/);
    fireEvent.click(screen.getByRole('button', { name: /^apply$/i }));
    await waitFor(() => expect(digests).toEqual(['digest-1', 'digest-2']));
    expect(await screen.findByText(/Nothing was written/)).toBeInTheDocument();
    expect(applySidecar).toHaveBeenCalledTimes(3);
  });

  it.each([
    [
      403,
      'NotAllowedError',
      'Namespace istio-demo is not claimed by your team; a platform engineer claims it by labelling it',
      'Not applied: not allowed',
    ],
    [
      409,
      'ConflictError',
      'Sidecar productpage is managed by "helm" for component:default/other',
      'Not applied: conflict',
    ],
  ])(
    'shows the backend message of a refused apply (%s) and keeps the change on screen',
    async (status, name, message, title) => {
      const error = await refusal(status, name, message);
      const applySidecar = jest.fn(
        async (request: IstioSidecarApplyRequest) => {
          if (request.dryRun) return result(true);
          throw error;
        },
      );
      await renderButton({ allow: true, applySidecar });
      fireEvent.click(
        await screen.findByRole('button', { name: /apply sidecar/i }),
      );
      await screen.findByText(/Dry run accepted/);
      fireEvent.click(screen.getByRole('button', { name: /^apply$/i }));
      const alert = (await screen.findByText(title)).closest(
        '[role="alert"]',
      ) as HTMLElement;
      expect(alert).toHaveTextContent(message);
      expect(screen.queryByText(/^Applied\./)).not.toBeInTheDocument();
      expect(screen.queryByText(/Nothing was written/)).not.toBeInTheDocument();
      expect(screen.getByText('Hosts now: */*')).toBeInTheDocument();
    },
  );

  it('shows why a dry run is refused in a namespace the user does not own', async () => {
    const error = await refusal(
      403,
      'NotAllowedError',
      'Namespace istio-demo is not claimed by your team; a platform engineer claims it by labelling it',
    );
    const applySidecar = jest.fn(async () => {
      throw error;
    });
    await renderButton({ allow: true, applySidecar });
    fireEvent.click(
      await screen.findByRole('button', { name: /apply sidecar/i }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /The dry run failed, nothing was changed.*Namespace istio-demo is not claimed by your team; a platform engineer claims it/,
    );
    expect(screen.getByRole('button', { name: /^apply$/i })).toBeDisabled();
  });

  it('is a labelled, described dialog that works from the keyboard', async () => {
    const applySidecar = jest.fn(async (request: IstioSidecarApplyRequest) =>
      result(request.dryRun),
    );
    const user = userEvent.setup();
    await renderButton({ allow: true, applySidecar });
    const openButton = await screen.findByRole('button', {
      name: /apply sidecar/i,
    });
    openButton.focus();
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', {
      name: 'Apply the recommended Sidecar to demo/istio-demo',
    });
    await within(dialog).findByText(/Dry run accepted/);
    expect(dialog).toHaveAccessibleDescription(
      /Dry run accepted by the cluster/,
    );
    within(dialog)
      .getByRole('button', { name: /^apply$/i })
      .focus();
    await user.keyboard('{Enter}');
    expect(await within(dialog).findByText(/^Applied\./)).toBeInTheDocument();
    expect(applySidecar.mock.calls[1][0]).toMatchObject({
      dryRun: false,
      digest: 'digest-1',
    });
    await user.keyboard('{Escape}');
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });
});
