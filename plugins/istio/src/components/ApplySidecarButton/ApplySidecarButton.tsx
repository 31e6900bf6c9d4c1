import { CodeSnippet, Progress } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  istioSidecarApplyPermission,
  type IstioSidecarApplyResult,
  type IstioSidecarChange,
} from '@istio-backstage/plugin-istio-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { useIstioApi } from '../../api';
import { errorMessage } from '../../lib/errorMessage';

/** What the Sidecar target is: one entity's workloads in one cluster namespace. */
export interface ApplySidecarTarget {
  entityRef: string;
  cluster: string;
  namespace: string;
}

const ACTION_TEXT: Record<IstioSidecarChange['action'], string> = {
  created: 'will be created',
  configured: 'will change its egress hosts',
  unchanged: 'is already as recommended',
};

function ChangeList({ changes }: { changes: IstioSidecarChange[] }) {
  return (
    <ul aria-label="Sidecar changes">
      {changes.map(change => (
        <li key={change.name}>
          <Typography variant="body2">
            Sidecar <code>{change.name}</code> {ACTION_TEXT[change.action]}
          </Typography>
          {change.action === 'configured' && (
            <Typography variant="body2">
              Hosts now: {(change.hostsBefore ?? []).join(', ') || 'none'}
            </Typography>
          )}
          <Typography variant="body2">
            Hosts after: {change.hostsAfter.join(', ')}
          </Typography>
        </li>
      ))}
    </ul>
  );
}

function ApplyResult({ result }: { result: IstioSidecarApplyResult }) {
  return (
    <>
      <ChangeList changes={result.changes} />
      <CodeSnippet text={result.yaml} language="yaml" />
    </>
  );
}

type ApplyState = ReturnType<typeof useSidecarApply>['dryRun'];

/** The dry run and the real apply of the recommended Sidecar, each run on demand. */
function useSidecarApply(target: ApplySidecarTarget) {
  const istioApi = useIstioApi();
  const [dryRun, runDryRun] = useAsyncFn(
    () => istioApi.applySidecar({ ...target, dryRun: true }),
    [istioApi, target],
  );
  const [applied, runApply] = useAsyncFn(
    () => istioApi.applySidecar({ ...target, dryRun: false }),
    [istioApi, target],
  );
  return { dryRun, runDryRun, applied, runApply };
}

/** The dialog's body: the real apply's outcome once there is one, else the dry run's. */
function ApplyOutcome({
  dryRun,
  applied,
}: {
  dryRun: ApplyState;
  applied: ApplyState;
}) {
  return (
    <>
      {applied.value && (
        <Box mb={2}>
          <Alert severity="success">
            Applied. Proxies pick up the new configuration within seconds; the
            measured saving appears once their memory settles.
          </Alert>
          <ApplyResult result={applied.value} />
        </Box>
      )}
      {applied.error && (
        <Alert severity="error">
          Not applied: {errorMessage(applied.error)}
        </Alert>
      )}
      {!applied.value && (dryRun.loading || applied.loading) && <Progress />}
      {dryRun.error && (
        <Alert severity="error">
          The dry run failed, nothing was changed: {errorMessage(dryRun.error)}
        </Alert>
      )}
      {dryRun.value && !applied.value && (
        <>
          <Alert severity="info">
            Dry run accepted by the cluster (admission webhooks included).
            Nothing has been changed yet.
          </Alert>
          <ApplyResult result={dryRun.value} />
        </>
      )}
    </>
  );
}

/**
 * "Apply" for the recommended Sidecar: shown only to users allowed
 * `istio.sidecar.apply` on the entity. It first asks the cluster for a dry run and
 * shows the change; only a second, explicit click applies for real.
 */
export function ApplySidecarButton(props: {
  target: ApplySidecarTarget;
  /** Called when the dialog closes after a real apply, to reload the figures. */
  onApplied?: () => void;
}) {
  const { target, onApplied } = props;
  const permission = usePermission({
    permission: istioSidecarApplyPermission,
    resourceRef: target.entityRef,
  });
  const [open, setOpen] = useState(false);
  const { dryRun, runDryRun, applied, runApply } = useSidecarApply(target);

  if (permission.loading || !permission.allowed) return null;

  const close = () => {
    setOpen(false);
    if (applied.value) onApplied?.();
  };
  const nothingToDo =
    dryRun.value?.changes.every(c => c.action === 'unchanged') ?? false;

  return (
    <>
      <Button
        variant="contained"
        color="primary"
        onClick={() => {
          setOpen(true);
          runDryRun();
        }}
      >
        Apply Sidecar…
      </Button>
      <Dialog open={open} onClose={close} fullWidth maxWidth="md">
        <DialogTitle>
          Apply the recommended Sidecar to {target.cluster}/{target.namespace}
        </DialogTitle>
        <DialogContent>
          <ApplyOutcome dryRun={dryRun} applied={applied} />
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>{applied.value ? 'Close' : 'Cancel'}</Button>
          {!applied.value && (
            <Button
              color="primary"
              variant="contained"
              disabled={!dryRun.value || nothingToDo || applied.loading}
              onClick={() => runApply()}
            >
              Apply
            </Button>
          )}
        </DialogActions>
      </Dialog>
    </>
  );
}
