import {
  CodeSnippet,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import Typography from '@material-ui/core/Typography';

const SEVERITY_ORDER: Record<IstioDiagnostic['severity'], number> = {
  error: 0,
  warning: 1,
  info: 2,
};

const columns: TableColumn<IstioDiagnostic>[] = [
  { title: 'Severity', field: 'severity', width: '8%' },
  { title: 'Code', field: 'code', width: '18%' },
  {
    title: 'Problem',
    render: d => (
      <>
        <Typography variant="subtitle2">{d.title}</Typography>
        <Typography variant="body2">{d.message}</Typography>
      </>
    ),
  },
  {
    title: 'Object',
    render: d =>
      d.object
        ? `${d.object.kind} ${
            d.object.namespace ? `${d.object.namespace}/` : ''
          }${d.object.name}`
        : 'mesh-wide',
  },
  {
    title: 'Fix',
    render: d => (
      <>
        <Typography variant="body2">{d.fix.text}</Typography>
        {d.fix.yaml && <CodeSnippet text={d.fix.yaml} language="yaml" />}
      </>
    ),
  },
];

/** A cluster's diagnostics, errors first, each with the object concerned and its fix. */
export function DiagnosticsTable(props: {
  title: string;
  diagnostics: IstioDiagnostic[];
}) {
  const data = [...props.diagnostics].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.code.localeCompare(b.code),
  );
  return (
    <Table<IstioDiagnostic>
      title={props.title}
      // A big mesh has a diagnostic per unscoped namespace: page and let users filter.
      options={{
        paging: data.length > 20,
        pageSize: 20,
        search: data.length > 20,
        padding: 'dense',
      }}
      columns={columns}
      data={data}
      emptyContent={
        <Typography variant="body2" style={{ padding: 16 }}>
          No diagnostics: nothing wrong was found in the parts that could be
          read.
        </Typography>
      }
    />
  );
}
