import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { ScaffolderField } from '@backstage/plugin-scaffolder-react/alpha';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useEffect, useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { useIstioApi } from '../../api';
import { istioTranslationRef, type IstioTranslation } from '../../translation';
import { clusterOptions, type ClusterOption } from './clusterOptions';
import type { IstioClusterPickerProps } from './schema';

/** The value of the "no cluster" entry that optional fields get. */
const NONE = '';

/**
 * The line under the select that says why nothing (or nothing useful) can be picked;
 * none when the clusters were read and at least one is usable.
 */
function statusText(
  t: IstioTranslation,
  state: {
    loading: boolean;
    error?: Error;
    usable: number;
  },
): string | undefined {
  if (state.loading) return t('clusterPicker.loading');
  if (state.error)
    return t('clusterPicker.loadFailed', { error: state.error.message });
  if (state.usable === 0) return t('clusterPicker.noUsableCluster');
  return undefined;
}

/**
 * The options to render: the configured clusters, and a value the form already holds
 * that is not among them, so the select can show it rather than an empty box. Before
 * the clusters are read that is any value; after, it is one that is not configured
 * (pre-filled from the URL, say), disabled, and the validation says what is wrong.
 */
function withCurrentValue(
  t: IstioTranslation,
  options: ClusterOption[],
  value: string | undefined,
  loaded: boolean,
): ClusterOption[] {
  if (!value || options.some(o => o.name === value)) return options;
  const current: ClusterOption = { name: value, label: value };
  if (loaded) current.unusableReason = t('clusterPicker.notConfigured');
  return [...options, current];
}

/**
 * Scaffolder field `IstioClusterPicker`: a select of the clusters configured for
 * Backstage, read from the Istio backend (`GET /api/istio/clusters`). Clusters the
 * backend cannot use are listed disabled, with the reason. When exactly one cluster is
 * usable and the form has no value yet, it is picked. When the list cannot be read,
 * the error is shown and nothing can be picked: a typed-in name would only fail later
 * in the task.
 */
export function IstioClusterPicker(props: IstioClusterPickerProps) {
  const { t } = useTranslationRef(istioTranslationRef);
  const {
    schema: { title = t('clusterPicker.label'), description },
    uiSchema,
    required,
    disabled,
    readonly,
    rawErrors,
    errors,
    formData,
    onChange,
    idSchema,
  } = props;
  const istioApi = useIstioApi();
  const clusters = useAsync(() => istioApi.getClusters(), [istioApi]);
  const loaded = Boolean(clusters.value);
  const options = useMemo(
    () => (clusters.value ? clusterOptions(clusters.value) : []),
    [clusters.value],
  );
  const usable = options.filter(o => !o.unusableReason);
  const onlyUsable = usable.length === 1 ? usable[0].name : undefined;

  // Only a form that has no answer yet gets the single cluster: an optional field the
  // user set to "none" ('') stays so.
  useEffect(() => {
    if (onlyUsable && formData === undefined) onChange(onlyUsable);
  }, [onlyUsable, formData, onChange]);

  const shown = withCurrentValue(t, options, formData, loaded);
  const labelOf = (name: unknown) =>
    shown.find(o => o.name === name)?.label ?? String(name ?? '');
  const status = statusText(t, {
    loading: clusters.loading,
    error: clusters.error,
    usable: usable.length,
  });
  const fieldDisabled =
    Boolean(disabled || readonly || uiSchema?.['ui:disabled']) || !loaded;
  const id = idSchema?.$id ?? 'istio-cluster-picker';

  return (
    <ScaffolderField
      rawErrors={rawErrors}
      rawDescription={uiSchema?.['ui:description'] ?? description}
      required={required}
      disabled={fieldDisabled}
      errors={errors}
    >
      <TextField
        id={id}
        select
        label={title}
        required={required}
        disabled={fieldDisabled}
        value={formData ?? NONE}
        onChange={event => onChange(String(event.target.value))}
        error={Boolean(clusters.error) || (loaded && usable.length === 0)}
        helperText={status}
        SelectProps={{ renderValue: labelOf }}
        // The form's own validation reports a missing cluster, next to the field; the
        // browser's would point at the select's hidden input, even while it is
        // disabled after a failed read.
        inputProps={{ required: false }}
        // A stable hook for browser tests, whatever the template titles the field.
        data-testid="istio-cluster-picker"
      >
        {menuItems(t, shown, required)}
      </TextField>
    </ScaffolderField>
  );
}

/** The select's entries: "none" for an optional field, then each cluster. */
function menuItems(
  t: IstioTranslation,
  shown: ClusterOption[],
  required: boolean | undefined,
) {
  return [
    ...(required
      ? []
      : [
          <MenuItem key="-none-" value={NONE}>
            <ListItemText primary={t('clusterPicker.none')} />
          </MenuItem>,
        ]),
    ...shown.map(option => (
      <MenuItem
        key={option.name}
        value={option.name}
        disabled={Boolean(option.unusableReason)}
      >
        <ListItemText
          primary={option.label}
          secondary={
            option.unusableReason
              ? t('clusterPicker.notUsable', { reason: option.unusableReason })
              : clusterNameIfTitled(option)
          }
        />
      </MenuItem>
    )),
  ];
}

/** The cluster's name under its title, so the value the template gets is visible. */
function clusterNameIfTitled(option: ClusterOption): string | undefined {
  return option.label === option.name ? undefined : option.name;
}
