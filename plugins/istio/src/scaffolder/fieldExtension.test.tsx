// The IstioClusterPicker as each frontend system hands it to the scaffolder, run in the
// scaffolder's own form (Stepper): the field is found by its `ui:field` name, the
// template's `required` list and the field's validation decide whether the form goes on.
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  ScaffolderFieldExtensions,
  useCustomFieldExtensions,
  type FieldExtensionOptions,
  type TemplateParameterSchema,
} from '@backstage/plugin-scaffolder-react';
import {
  FormFieldBlueprint,
  Stepper,
  type StepperProps,
} from '@backstage/plugin-scaffolder-react/alpha';
import { getComponentData } from '@backstage/core-plugin-api';
import type { IstioClustersResponse } from '@istio-backstage/plugin-istio-common';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import istioAlphaPlugin, { istioClusterPickerFormField } from '../alpha';
import { istioApiRef, type IstioApi } from '../api';
import { IstioClusterPickerFieldExtension, istioPlugin } from '../index';

/** The values the form submits. */
type FormValues = NonNullable<StepperProps['initialState']>;

// The scaffolder's form is slow to render in jsdom, the first time above all.
jest.setTimeout(20_000);

const demoOnly: IstioClustersResponse = {
  items: [
    {
      name: 'demo',
      title: 'Demo cluster',
      links: {},
      prometheusConfigured: false,
      authProvider: 'serviceAccount',
    },
  ],
  unusable: [],
};

/** One form page asking for a required cluster with the picker. */
const manifest: TemplateParameterSchema = {
  title: 'Mesh namespace',
  steps: [
    {
      title: 'Namespace',
      schema: {
        type: 'object',
        required: ['cluster'],
        properties: {
          cluster: {
            type: 'string',
            title: 'Cluster',
            description: 'Where the namespace is created.',
            'ui:field': 'IstioClusterPicker',
          },
        },
      },
    },
  ],
};

/** The field as the new frontend system's scaffolder loads it from the plugin. */
async function newSystemField(): Promise<FieldExtensionOptions> {
  const loader = createExtensionTester(istioClusterPickerFormField).get(
    FormFieldBlueprint.dataRefs.formFieldLoader,
  );
  // A FormField is opaque to plugins; the scaffolder reads these same options from it.
  return (await loader()) as unknown as FieldExtensionOptions;
}

/** What a legacy app puts under its scaffolder route. */
const legacyRouteChildren = (
  <ScaffolderFieldExtensions>
    <IstioClusterPickerFieldExtension />
  </ScaffolderFieldExtensions>
);

/** The legacy scaffolder page's way: the fields among its route's children. */
function LegacyStepper(props: {
  onCreate: (values: FormValues) => Promise<void>;
  initialState?: FormValues;
}) {
  const extensions = useCustomFieldExtensions(legacyRouteChildren);
  return <Stepper manifest={manifest} extensions={extensions} {...props} />;
}

const systems = [
  [
    'new frontend system',
    async (
      onCreate: (values: FormValues) => Promise<void>,
      initialState?: FormValues,
    ) => (
      <Stepper
        manifest={manifest}
        extensions={[await newSystemField()]}
        onCreate={onCreate}
        initialState={initialState}
      />
    ),
  ],
  [
    'legacy frontend system',
    async (
      onCreate: (values: FormValues) => Promise<void>,
      initialState?: FormValues,
    ) => <LegacyStepper onCreate={onCreate} initialState={initialState} />,
  ],
] as const;

describe.each(systems)('IstioClusterPicker in the %s', (_system, form) => {
  // The scaffolder form scrolls to the top of each page; jsdom has no scrolling.
  beforeEach(() => {
    jest.spyOn(window, 'scrollTo').mockImplementation(() => {});
  });
  afterEach(() => jest.restoreAllMocks());

  async function renderForm(
    getClusters: IstioApi['getClusters'],
    initialState?: FormValues,
  ) {
    const onCreate = jest.fn(async () => {});
    renderInTestApp(await form(onCreate, initialState), {
      apis: [[istioApiRef, { getClusters }]],
    });
    // Both wirings load the picker lazily; the first time, that takes a while in jsdom.
    await screen.findByTestId('istio-cluster-picker', {}, { timeout: 10_000 });
    return { onCreate };
  }

  /** Goes to the review page and creates, as far as the form lets it. */
  async function submit() {
    await userEvent.click(
      await screen.findByRole('button', { name: 'Review' }),
    );
  }

  it('picks the only cluster and submits its name', async () => {
    const { onCreate } = await renderForm(async () => demoOnly);
    expect(
      await screen.findByRole('button', { name: /Demo cluster/ }),
    ).toBeInTheDocument();
    expect(screen.getAllByText('Where the namespace is created.')).toHaveLength(
      1,
    );
    await submit();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create' }),
    );
    await waitFor(() =>
      expect(onCreate).toHaveBeenCalledWith({ cluster: 'demo' }),
    );
  });

  it('keeps the form on the page when the clusters cannot be read', async () => {
    const { onCreate } = await renderForm(async () => {
      throw new Error('Request failed with 503 Service Unavailable');
    });
    expect(
      await screen.findByText(
        'Could not load the clusters: Request failed with 503 Service Unavailable',
      ),
    ).toBeInTheDocument();
    await submit();
    // The template's `required` list refuses the empty field.
    expect(
      await screen.findByText("must have required property 'Cluster'"),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Create' })).toBeNull();
    expect(onCreate).not.toHaveBeenCalled();
  });

  it('refuses a pre-filled cluster that is not configured', async () => {
    const { onCreate } = await renderForm(async () => demoOnly, {
      cluster: 'prod',
    });
    await submit();
    expect(
      await screen.findByText('prod is not a cluster configured in Backstage'),
    ).toBeInTheDocument();
    expect(onCreate).not.toHaveBeenCalled();
  });
});

describe('IstioClusterPicker wiring', () => {
  it('is one of the Istio plugin extensions of the new frontend system, attached to the scaffolder form fields', () => {
    const loaderOf = (extension: typeof istioClusterPickerFormField) =>
      createExtensionTester(extension).get(
        FormFieldBlueprint.dataRefs.formFieldLoader,
      );
    const extension = istioAlphaPlugin.getExtension(
      'scaffolder-form-field:istio/cluster-picker',
    );
    expect(loaderOf(extension)).toBe(loaderOf(istioClusterPickerFormField));
    // The scaffolder plugin's form fields API collects fields through this input.
    expect(String(extension)).toContain(
      'attachTo=api:scaffolder/form-fields@formFields',
    );
  });

  it('brings the Istio plugin (and so its API) into a legacy app that mounts only the field', () => {
    expect(
      getComponentData(<IstioClusterPickerFieldExtension />, 'core.plugin'),
    ).toBe(istioPlugin);
  });
});
