// A sync run's outcome as a lozenge: the dashboard's last-run column and the run history use the same one.
import Lozenge from '@atlaskit/lozenge';

export function OutcomeLozenge({ outcome }: { outcome: string }) {
  const o = outcome.toUpperCase();
  if (o === 'SUCCEEDED' || o === 'SUCCESS' || o === 'OK') return <Lozenge appearance="success">Succeeded</Lozenge>;
  if (o === 'FAILED' || o === 'ERROR') return <Lozenge appearance="removed">Failed</Lozenge>;
  if (o === 'PARTIAL') return <Lozenge appearance="moved">Partial</Lozenge>;
  if (o === 'RUNNING') return <Lozenge appearance="inprogress">Running</Lozenge>;
  return <Lozenge>{outcome.toLowerCase().replace(/_/g, ' ')}</Lozenge>;
}
