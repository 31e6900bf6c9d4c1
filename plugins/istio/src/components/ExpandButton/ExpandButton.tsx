import Button from '@material-ui/core/Button';
import ExpandLess from '@material-ui/icons/ExpandLess';
import ExpandMore from '@material-ui/icons/ExpandMore';

/** A small text button that shows or hides a collapsed part, saying which it will do. */
export function ExpandButton(props: {
  open: boolean;
  onToggle: () => void;
  showLabel: string;
  hideLabel: string;
}) {
  const { open, onToggle, showLabel, hideLabel } = props;
  return (
    <Button
      size="small"
      color="primary"
      aria-expanded={open}
      startIcon={open ? <ExpandLess /> : <ExpandMore />}
      onClick={onToggle}
    >
      {open ? hideLabel : showLabel}
    </Button>
  );
}
