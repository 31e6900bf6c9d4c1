import { CodeSnippet, Progress } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
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
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isStaleApplyError, useIstioApi } from '../../api';
import { errorMessage } from '../../lib/errorMessage';
import { istioTranslationRef } from '../../translation';

/** What the Sidecar target is: one entity's workloads in one cluster namespace. */
export interface ApplySidecarTarget {
  entityRef: string;
  cluster: string;
  namespace: string;
}

function ChangeList({ changes }: { changes: IstioSidecarChange[] }) {
  const { t } = useTranslationRef(istioTranslationRef);
  return (
    <ul aria-label={t('applySidecar.changesLabel')}>
      {changes.map(change => (
        <li key={change.name}>
          <Typography variant="body2">
            {t('applySidecar.change', {
              name: <code>{change.name}</code>,
              action: t(`applySidecar.action.${change.action}`),
            })}
          </Typography>
          {change.action === 'configured' && (
            <Typography variant="body2">
              {t('applySidecar.hostsNow', {
                hosts:
                  (change.hostsBefore ?? []).join(', ') || t('values.none'),
              })}
            </Typography>
          )}
          <Typography variant="body2">
            {t('applySidecar.hostsAfter', {
              hosts: change.hostsAfter.join(', '),
            })}
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

/** Where the dialog is: each step shows what the user has reviewed and may do. */
type ApplyState =
  | { step: 'checking' }
  | { step: 'failed'; error: Error }
  | {
      step: 'review';
      /** The dry run shown, whose digest Apply sends. */
      review: IstioSidecarApplyResult;
      /** True when it replaced a reviewed one that went stale. */
      replaced: boolean;
      applying: boolean;
      error?: Error;
    }
  | { step: 'applied'; result: IstioSidecarApplyResult };

/**
 * The dry run and the real apply of the recommended Sidecar. The real apply sends the
 * digest of the dry run shown; when the backend answers that it went stale, the new
 * dry run is shown instead, to be approved again.
 */
function useSidecarApply(target: ApplySidecarTarget) {
  const istioApi = useIstioApi();
  const [state, setState] = useState<ApplyState>({ step: 'checking' });
  // Each opening starts a new run, so a late answer to an earlier one is dropped.
  const run = useRef(0);

  const check = useCallback(async () => {
    const id = ++run.current;
    setState({ step: 'checking' });
    try {
      const review = await istioApi.applySidecar({ ...target, dryRun: true });
      if (id === run.current)
        setState({ step: 'review', review, replaced: false, applying: false });
    } catch (error) {
      if (id === run.current)
        setState({ step: 'failed', error: asError(error) });
    }
  }, [istioApi, target]);

  const apply = useCallback(
    async (review: IstioSidecarApplyResult, replaced: boolean) => {
      const id = run.current;
      const update = (next: ApplyState) => {
        if (id === run.current) setState(next);
      };
      update({ step: 'review', review, replaced, applying: true });
      try {
        const result = await istioApi.applySidecar({
          ...target,
          dryRun: false,
          digest: review.digest,
        });
        update({ step: 'applied', result });
      } catch (error) {
        if (isStaleApplyError(error)) {
          update({
            step: 'review',
            review: error.current,
            replaced: true,
            applying: false,
          });
        } else {
          update({
            step: 'review',
            review,
            replaced,
            applying: false,
            error: asError(error),
          });
        }
      }
    },
    [istioApi, target],
  );

  return { state, check, apply };
}

const REFUSAL_TITLE = {
  403: 'applySidecar.notAllowed',
  409: 'applySidecar.conflict',
} as const;

/** The title of a refused apply: why, when the status says it. */
function refusalTitleKey(error: Error) {
  const status = statusOf(error);
  return status === 403 || status === 409
    ? REFUSAL_TITLE[status]
    : 'applySidecar.notApplied';
}

/**
 * A ref that focuses its element once shown: an outcome takes the focus, so it is read
 * out, and the keyboard stays in the dialog when the button pressed goes away.
 */
function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}

/** A failed call, titled, with the backend's own message in full. */
function ErrorAlert({ title, error }: { title: string; error: Error }) {
  const ref = useFocusOnMount<HTMLDivElement>();
  return (
    <Alert severity="error" ref={ref} tabIndex={-1}>
      <AlertTitle>{title}</AlertTitle>
      {errorMessage(error)}
    </Alert>
  );
}

/** Says that the reviewed change went stale, so nothing was written. */
function StaleNotice() {
  const { t } = useTranslationRef(istioTranslationRef);
  const ref = useFocusOnMount<HTMLDivElement>();
  return (
    <Alert severity="warning" ref={ref} tabIndex={-1}>
      <AlertTitle>{t('applySidecar.staleTitle')}</AlertTitle>
      {t('applySidecar.staleBody')}
    </Alert>
  );
}

/** The outcome of a real apply that went through. */
function AppliedNotice() {
  const { t } = useTranslationRef(istioTranslationRef);
  const ref = useFocusOnMount<HTMLDivElement>();
  return (
    <Alert severity="success" ref={ref} tabIndex={-1}>
      {t('applySidecar.applied')}
    </Alert>
  );
}

/** The dialog's status line(s): what happened so far and what is going on. */
function ApplyStatus({ state }: { state: ApplyState }) {
  const { t } = useTranslationRef(istioTranslationRef);
  switch (state.step) {
    case 'checking':
      return (
        <>
          <Typography variant="body2">{t('applySidecar.checking')}</Typography>
          <Progress />
        </>
      );
    case 'failed':
      return (
        <ErrorAlert
          title={t('applySidecar.dryRunFailed')}
          error={state.error}
        />
      );
    case 'applied':
      return <AppliedNotice />;
    default:
      return (
        <>
          {state.replaced ? (
            <StaleNotice key={state.review.digest} />
          ) : (
            <Alert severity="info">{t('applySidecar.dryRunAccepted')}</Alert>
          )}
          {state.error && (
            <Box mt={1}>
              <ErrorAlert
                title={t(refusalTitleKey(state.error))}
                error={state.error}
              />
            </Box>
          )}
          {state.applying && <Progress />}
        </>
      );
  }
}

/** Anything thrown, as an Error to show. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The HTTP status of a failed backend call, when it has one. */
function statusOf(error: Error): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

/** Turns a target into a string usable in element ids. */
function idOf(target: ApplySidecarTarget): string {
  return `istio-apply-${target.cluster}-${target.namespace}`.replace(
    /[^A-Za-z0-9_-]/g,
    '-',
  );
}

/** The dialog's buttons: close (or cancel), and apply until it is done. */
function ApplyActions(props: {
  applied: boolean;
  canApply: boolean;
  onClose: () => void;
  onApply: () => void;
}) {
  const { t } = useTranslationRef(istioTranslationRef);
  return (
    <DialogActions>
      <Button onClick={props.onClose}>
        {props.applied ? t('applySidecar.close') : t('applySidecar.cancel')}
      </Button>
      {!props.applied && (
        <Button
          color="primary"
          variant="contained"
          disabled={!props.canApply}
          onClick={props.onApply}
        >
          {t('applySidecar.apply')}
        </Button>
      )}
    </DialogActions>
  );
}

/**
 * "Apply" for the recommended Sidecar: shown only to users allowed
 * `istio.sidecar.apply` on the entity. It first asks the cluster for a dry run and
 * shows the change; only a second, explicit click applies for real, and only what
 * that dry run showed.
 */
export function ApplySidecarButton(props: {
  target: ApplySidecarTarget;
  /** Called when the dialog closes after a real apply, to reload the figures. */
  onApplied?: () => void;
}) {
  const { target, onApplied } = props;
  const { t } = useTranslationRef(istioTranslationRef);
  const permission = usePermission({
    permission: istioSidecarApplyPermission,
    resourceRef: target.entityRef,
  });
  const [open, setOpen] = useState(false);
  const { state, check, apply } = useSidecarApply(target);

  if (permission.loading || !permission.allowed) return null;

  const close = () => {
    setOpen(false);
    if (state.step === 'applied') onApplied?.();
  };
  const review = state.step === 'review' ? state : undefined;
  const nothingToDo =
    review?.review.changes.every(c => c.action === 'unchanged') ?? false;
  const shown = state.step === 'applied' ? state.result : review?.review;
  const id = idOf(target);

  return (
    <>
      <Button
        variant="contained"
        color="primary"
        onClick={() => {
          setOpen(true);
          check();
        }}
      >
        {t('applySidecar.button')}
      </Button>
      <Dialog
        open={open}
        onClose={close}
        fullWidth
        maxWidth="md"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-status`}
      >
        <DialogTitle id={`${id}-title`}>
          {t('applySidecar.dialogTitle', {
            cluster: target.cluster,
            namespace: target.namespace,
          })}
        </DialogTitle>
        <DialogContent
          aria-busy={state.step === 'checking' || Boolean(review?.applying)}
        >
          <Box id={`${id}-status`} mb={2}>
            <ApplyStatus state={state} />
          </Box>
          {shown && <ApplyResult result={shown} />}
        </DialogContent>
        <ApplyActions
          applied={state.step === 'applied'}
          canApply={Boolean(review && !review.applying && !nothingToDo)}
          onClose={close}
          onApply={() => review && apply(review.review, review.replaced)}
        />
      </Dialog>
    </>
  );
}
