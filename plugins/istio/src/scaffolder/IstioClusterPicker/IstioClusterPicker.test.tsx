import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { IstioClustersResponse } from '@istio-backstage/plugin-istio-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { istioApiRef, type IstioApi } from '../../api';
import { IstioClusterPicker } from './IstioClusterPicker';
import type { IstioClusterPickerProps } from './schema';

const summary = { links: {}, prometheusConfigured: false, authProvider: 'x' };

const twoClusters: IstioClustersResponse = {
  items: [
    { ...summary, name: 'demo', title: 'Demo cluster' },
    { ...summary, name: 'staging' },
  ],
  unusable: [
    {
      name: 'legacy',
      source: 'kubernetes.clusterLocatorMethods[0].clusters[2]',
      reason: 'no service account token configured',
    },
  ],
};

const oneCluster: IstioClustersResponse = {
  items: [{ ...summary, name: 'demo' }],
  unusable: [],
};

/**
 * Renders the picker as the scaffolder form would, with the given clusters read, and
 * waits until they are.
 */
async function renderPicker(
  getClusters: IstioApi['getClusters'],
  props: Partial<IstioClusterPickerProps> = {},
) {
  const onChange = jest.fn();
  const fieldProps = {
    schema: { type: 'string', title: 'Target cluster' },
    uiSchema: {},
    idSchema: { $id: 'root_cluster' },
    required: true,
    rawErrors: [],
    formData: undefined,
    onChange,
    ...props,
  } as unknown as IstioClusterPickerProps;
  renderInTestApp(<IstioClusterPicker {...fieldProps} />, {
    apis: [[istioApiRef, { getClusters }]],
  });
  // The read settles inside waitFor, where React expects asynchronous updates.
  await waitFor(() =>
    expect(
      screen.queryByText('Loading the clusters configured in Backstage…'),
    ).not.toBeInTheDocument(),
  );
  return { onChange };
}

/** The select's button, once the clusters are read (it is disabled while loading). */
async function openSelect() {
  const select = await screen.findByRole('button', { name: /Target cluster/ });
  await waitFor(() => expect(select).not.toHaveAttribute('aria-disabled'));
  await userEvent.click(select);
  return screen.findByRole('listbox');
}

describe('IstioClusterPicker', () => {
  it('offers the configured clusters by title, and the unusable ones disabled with the reason', async () => {
    const { onChange } = await renderPicker(async () => twoClusters);
    const list = await openSelect();

    const options = within(list).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'Demo clusterdemo',
      'staging',
      'legacyNot usable: no service account token configured',
    ]);
    expect(options[0]).toHaveAttribute('aria-disabled', 'false');
    expect(options[1]).toHaveAttribute('aria-disabled', 'false');
    expect(options[2]).toHaveAttribute('aria-disabled', 'true');
    // A required field has no "None" entry.
    expect(within(list).queryByRole('option', { name: 'None' })).toBeNull();

    await userEvent.click(options[1]);
    expect(onChange).toHaveBeenCalledWith('staging');
    // Two usable clusters: nothing was picked for the user.
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('shows the picked cluster by its title, and gives the template its name', async () => {
    await renderPicker(async () => twoClusters, { formData: 'demo' });
    expect(
      await screen.findByRole('button', { name: /Demo cluster/ }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('istio-cluster-picker')).toBeInTheDocument();
    expect(screen.getByDisplayValue('demo')).toBeInTheDocument();
  });

  it('picks the only cluster when the form has no value yet', async () => {
    const { onChange } = await renderPicker(async () => oneCluster);
    await waitFor(() => expect(onChange).toHaveBeenCalledWith('demo'));
  });

  it('picks the only usable cluster even when unusable ones are listed', async () => {
    const { onChange } = await renderPicker(async () => ({
      items: [{ ...summary, name: 'demo' }],
      unusable: twoClusters.unusable,
    }));
    await waitFor(() => expect(onChange).toHaveBeenCalledWith('demo'));
  });

  it('offers "None" in an optional field, to clear it', async () => {
    const { onChange } = await renderPicker(async () => oneCluster, {
      required: false,
      formData: 'demo',
    });
    const list = await openSelect();
    expect(
      within(list)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['None', 'demo']);

    await userEvent.click(within(list).getByRole('option', { name: 'None' }));
    expect(onChange).toHaveBeenCalledWith('');
  });

  it('leaves an optional field the user set to "None" empty', async () => {
    const { onChange } = await renderPicker(async () => oneCluster, {
      required: false,
      formData: '',
    });
    await openSelect();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('shows the error of a failed read and offers nothing to pick or type', async () => {
    const { onChange } = await renderPicker(async () => {
      throw new Error('Request failed with 503 Service Unavailable');
    });
    expect(
      await screen.findByText(
        'Could not load the clusters: Request failed with 503 Service Unavailable',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /Target cluster/ }),
    ).toHaveAttribute('aria-disabled', 'true');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('says so when no cluster is usable', async () => {
    const { onChange } = await renderPicker(async () => ({
      items: [],
      unusable: twoClusters.unusable,
    }));
    expect(
      await screen.findByText('No usable cluster is configured in Backstage'),
    ).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('shows a pre-filled value that is not configured, disabled, instead of dropping it', async () => {
    const { onChange } = await renderPicker(async () => twoClusters, {
      formData: 'prod',
    });
    const list = await openSelect();
    expect(within(list).getByRole('option', { name: /prod/ })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
    expect(
      within(list).getByRole('option', { name: /prod/ }),
    ).toHaveTextContent('Not usable: not a cluster configured in Backstage');
    expect(onChange).not.toHaveBeenCalled();
  });

  it('shows the description the template gives', async () => {
    await renderPicker(async () => twoClusters, {
      schema: {
        type: 'string',
        title: 'Target cluster',
        description: 'Where the namespace is created.',
      },
    });
    expect(
      await screen.findByText('Where the namespace is created.'),
    ).toBeInTheDocument();
  });
});
