// The Jira admin page: connection details and the Smart Connected Items dashboard, with the
// connected-state summary above both.
import Heading from '@atlaskit/heading';
import Spinner from '@atlaskit/spinner';
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import { Box, Stack } from '@atlaskit/primitives';
import { ErrorMessage } from '../shared/ErrorMessage';
import { useCall } from '../shared/hooks';
import { Page } from '../shared/layout';
import { ConflictsTab } from './ConflictsTab';
import { ConnectionTab } from './ConnectionTab';
import { SciDashboard } from './SciDashboard';
import { SummaryCards } from './SummaryCards';

export function AdminApp() {
  const connection = useCall('connection/get', {});
  const c = connection.state.data;
  return (
    <Page>
      <Heading size="large" as="h1">
        Zoho CRM Connector
      </Heading>
      {connection.state.status === 'error' && (
        <ErrorMessage error={connection.state.error} title="Could not load the Zoho CRM connection" onRetry={() => void connection.reload()} />
      )}
      {!c && connection.state.status === 'loading' && <Spinner size="large" label="Loading the connection" />}
      {c && (
        <Stack space="space.300">
          <SummaryCards connection={c} />
          <Tabs id="admin-tabs">
            <TabList>
              <Tab>Connection details</Tab>
              <Tab>Smart Connected Items</Tab>
              <Tab>Conflicts</Tab>
            </TabList>
            <TabPanel>
              <Box paddingBlock="space.200">
                <ConnectionTab connection={c} onChange={connection.setData} />
              </Box>
            </TabPanel>
            <TabPanel>
              <Box paddingBlock="space.200">
                <SciDashboard mode={c.mode} />
              </Box>
            </TabPanel>
            <TabPanel>
              <Box paddingBlock="space.200">
                <ConflictsTab />
              </Box>
            </TabPanel>
          </Tabs>
        </Stack>
      )}
    </Page>
  );
}
