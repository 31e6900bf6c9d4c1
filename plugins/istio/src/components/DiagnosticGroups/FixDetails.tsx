import { CodeSnippet } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import Collapse from '@material-ui/core/Collapse';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { istioTranslationRef } from '../../translation';
import { ExpandButton } from '../ExpandButton';

const useStyles = makeStyles(theme => ({
  text: { wordBreak: 'normal', overflowWrap: 'break-word' },
  // Long YAML lines scroll inside the block instead of widening the page.
  code: { marginTop: theme.spacing(1), maxWidth: '100%', overflowX: 'auto' },
}));

/** A finding's fix, collapsed until asked for; its YAML in a block with a copy button. */
export function FixDetails(props: { fix: IstioDiagnostic['fix'] }) {
  const classes = useStyles();
  const { t } = useTranslationRef(istioTranslationRef);
  const [open, setOpen] = useState(false);
  return (
    <div>
      <ExpandButton
        open={open}
        onToggle={() => setOpen(o => !o)}
        showLabel={t('diagnostics.showFix')}
        hideLabel={t('diagnostics.hideFix')}
      />
      <Collapse in={open} unmountOnExit>
        <Typography variant="body2" className={classes.text}>
          {props.fix.text}
        </Typography>
        {props.fix.yaml && (
          <div className={classes.code} data-testid="istio-diagnostic-fix-yaml">
            <CodeSnippet
              text={props.fix.yaml}
              language="yaml"
              showCopyCodeButton
            />
          </div>
        )}
      </Collapse>
    </div>
  );
}
