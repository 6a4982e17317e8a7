// Connection details (F1–F5): data center, auth mode with a confirmation that SCIs stay, the App OAuth 2.0
// form, the scopes to grant in the Zoho API Console, and Providers sign-in.
import Button from '@atlaskit/button/new';
import Form, { ErrorMessage as FieldError, Field, FormFooter, HelperMessage } from '@atlaskit/form';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import { Box, Stack, xcss } from '@atlaskit/primitives';
import { RadioGroup } from '@atlaskit/radio';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import Heading from '@atlaskit/heading';
import { useState } from 'react';
import { ZOHO_APP_SCOPES, ZOHO_USER_SCOPES } from '../../../../contracts';
import type { AppOAuthInput, AuthMode, Connection, DataCenter } from '../../../src/types';
import { AUTH_MODE_LABELS, DATA_CENTER_OPTIONS } from '../shared/labels';
import { call, openExternal } from '../shared/api';
import { ErrorMessage } from '../shared/ErrorMessage';
import { useAction } from '../shared/hooks';
import { Row, Subtle } from '../shared/layout';

interface Props {
  connection: Connection;
  onChange: (c: Connection) => void;
}

const dcOptions = DATA_CENTER_OPTIONS;

const scopeBox = xcss({
  backgroundColor: 'color.background.neutral',
  borderRadius: 'radius.small',
  padding: 'space.150',
  font: 'font.code',
  whiteSpace: 'pre-wrap',
});

export function ConnectionTab({ connection, onChange }: Props) {
  const action = useAction();
  const [pendingMode, setPendingMode] = useState<AuthMode | null>(null);
  const [copied, setCopied] = useState(false);
  const scopes = connection.scopes.required.length
    ? connection.scopes.required
    : [...(connection.mode === 'PROVIDERS' ? ZOHO_USER_SCOPES : ZOHO_APP_SCOPES)];
  const scopeText = scopes.join(',\n');

  const setDc = (dc: DataCenter) =>
    action.run('dc', async () => onChange(await call('connection/set-data-center', { dataCenter: dc })));

  const chooseMode = (mode: AuthMode) => {
    if (mode === connection.mode) return;
    // The first choice clears nothing, so it needs no confirmation.
    if (connection.mode === null) void switchMode(mode);
    else setPendingMode(mode);
  };
  const switchMode = (mode: AuthMode) =>
    action.run('mode', async () => {
      onChange(await call('connection/switch-mode', { mode }));
      setPendingMode(null);
    });

  const connect = (values: AppOAuthInput) =>
    action.run('connect', async () => onChange(await call('connection/connect-app-oauth', { ...values, dataCenter: connection.dataCenter.id })));
  const registerClient = (values: { clientId: string; clientSecret: string }) =>
    action.run('client', async () => onChange(await call('connection/set-providers-client', values)));

  const signIn = () =>
    action.run('sign-in', async () => {
      const { authorizationUrl } = await call('connection/start-sign-in', {});
      openExternal(authorizationUrl);
    });

  const copyScopes = async () => {
    try {
      await navigator.clipboard.writeText(scopes.join(','));
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  return (
    <Stack space="space.300">
      {action.error && <ErrorMessage error={action.error} title="That did not work" />}
      {connection.state !== 'CONNECTED' && (
        <SectionMessage appearance={connection.state === 'NOT_CONFIGURED' ? 'information' : 'error'} title={connection.state === 'NOT_CONFIGURED' ? 'Zoho CRM authentication required' : 'Zoho CRM needs attention'}>
          <p>{connection.message}</p>
          {connection.lastError && <p>Last error: {connection.lastError}</p>}
        </SectionMessage>
      )}
      {connection.scopes.hint && (
        <SectionMessage appearance="warning" title="Reconnect to grant missing scopes">
          <p>{connection.scopes.hint}</p>
        </SectionMessage>
      )}

      <Stack space="space.100">
        <Heading size="small" as="h2">
          Zoho CRM data center
        </Heading>
        <Box xcss={xcss({ maxWidth: '360px' })}>
          <Select
            inputId="data-center"
            aria-label="Zoho CRM data center"
            options={dcOptions}
            value={dcOptions.find((o) => o.value === connection.dataCenter.id) ?? null}
            isDisabled={action.pending !== null}
            onChange={(o) => o && void setDc(o.value)}
          />
        </Box>
        <Subtle>Use the data center of your Zoho CRM account: US, EU, IN, AU, JP, CN, UK, CA, or SA.</Subtle>
      </Stack>

      <Stack space="space.100">
        <Heading size="small" as="h2">
          Authentication mode
        </Heading>
        <RadioGroup
          name="auth-mode"
          aria-labelledby="auth-mode"
          value={connection.mode ?? null}
          isDisabled={action.pending !== null}
          options={[
            { name: 'auth-mode', value: 'PROVIDERS', label: 'Providers: each Jira user signs in with their own Zoho CRM account' },
            { name: 'auth-mode', value: 'APP_OAUTH', label: 'App OAuth 2.0: one shared app connection that unlocks automation' },
          ]}
          onChange={(e) => chooseMode(e.currentTarget.value as AuthMode)}
        />
        <SectionMessage appearance="information" title="Switching modes does not remove Smart Connected Items">
          <p>Only the stored authentication is cleared when you switch modes. Smart Connected Items and linked records stay in place.</p>
        </SectionMessage>
      </Stack>

      {connection.mode === 'PROVIDERS' && (
        <Stack space="space.150">
          <SectionMessage appearance="warning" title="Background automation requires App OAuth 2.0">
            <p>
              In Providers mode each user signs in to Zoho CRM from the issue panel. The five-minute scheduler, Jira
              issue/comment/attachment triggers, auto-create, status sync, CRM notes sync and attachment sync only run with App
              OAuth 2.0.
            </p>
          </SectionMessage>
          <Box xcss={xcss({ maxWidth: '480px' })}>
            <Form<{ clientId: string; clientSecret: string }> onSubmit={(values) => void registerClient(values)}>
              {({ formProps }) => (
                <form {...formProps} aria-label="Zoho client for per-user sign-in">
                  <Field<string> name="clientId" label="Client ID" isRequired defaultValue={connection.clientId ?? ''}>
                    {({ fieldProps }) => <Textfield {...fieldProps} autoComplete="off" />}
                  </Field>
                  <Field<string> name="clientSecret" label="Client Secret" isRequired defaultValue="">
                    {({ fieldProps }) => (
                      <>
                        <Textfield {...fieldProps} type="password" autoComplete="off" placeholder={connection.clientSecretStored ? 'Stored; enter a new one to replace it' : ''} />
                        <HelperMessage>A Server-based Application client in the Zoho API Console, used for each user&apos;s sign-in.</HelperMessage>
                      </>
                    )}
                  </Field>
                  <FormFooter align="start">
                    <Button type="submit" appearance="primary" isLoading={action.pending === 'client'}>
                      Save client
                    </Button>
                  </FormFooter>
                </form>
              )}
            </Form>
          </Box>
          {connection.clientSecretStored && (
            <Row>
              <Button onClick={() => void signIn()} isLoading={action.pending === 'sign-in'}>
                {connection.currentUser?.signedIn ? 'Switch Zoho CRM account' : 'Sign in with your Zoho CRM account'}
              </Button>
              <Subtle>
                {connection.currentUser?.signedIn
                  ? `You are signed in to Zoho CRM${connection.currentUser.zohoEmail ? ` as ${connection.currentUser.zohoEmail}` : ''}.`
                  : 'You have not signed in to Zoho CRM yet.'}
              </Subtle>
            </Row>
          )}
        </Stack>
      )}

      {connection.mode === 'APP_OAUTH' && (
        <Stack space="space.200">
          <Heading size="small" as="h2">
            App OAuth 2.0
          </Heading>
          <Stack space="space.100">
            <Heading size="xsmall" as="h3">
              Required OAuth scopes
            </Heading>
            <Box xcss={scopeBox} testId="required-scopes">
              {scopeText}
            </Box>
            <Row>
              <Button onClick={() => void copyScopes()}>{copied ? 'Copied' : 'Copy scopes'}</Button>
              <Button appearance="subtle" onClick={() => openExternal(connection.dataCenter.apiConsoleUrl)}>
                Open the Zoho API Console
              </Button>
            </Row>
            <Subtle>
              In the Zoho API Console, create a Self Client, generate a Code with these scopes, and paste the Client ID, Client Secret
              and Code below.
            </Subtle>
            {connection.scopes.missing.length > 0 && (
              <SectionMessage appearance="warning" title="Scopes missing from the stored token">
                <p>{connection.scopes.missing.join(', ')}</p>
              </SectionMessage>
            )}
          </Stack>
          <Box xcss={xcss({ maxWidth: '480px' })}>
            <Form<AppOAuthInput> onSubmit={(values) => void connect(values)}>
              {({ formProps }) => (
                <form {...formProps} aria-label="App OAuth 2.0 connection">
                  <Field<string> name="clientId" label="Client ID" isRequired defaultValue="">
                    {({ fieldProps, error }) => (
                      <>
                        <Textfield {...fieldProps} autoComplete="off" />
                        {error && <FieldError>{error}</FieldError>}
                      </>
                    )}
                  </Field>
                  <Field<string> name="clientSecret" label="Client Secret" isRequired defaultValue="">
                    {({ fieldProps }) => <Textfield {...fieldProps} type="password" autoComplete="off" />}
                  </Field>
                  <Field<string> name="code" label="Code" isRequired defaultValue="">
                    {({ fieldProps }) => (
                      <>
                        <Textfield {...fieldProps} autoComplete="off" />
                        <HelperMessage>Codes expire a few minutes after you generate them and work once.</HelperMessage>
                      </>
                    )}
                  </Field>
                  <FormFooter align="start">
                    <Button type="submit" appearance="primary" isLoading={action.pending === 'connect'}>
                      {connection.state === 'CONNECTED' ? 'Reconnect' : 'Connect'}
                    </Button>
                  </FormFooter>
                </form>
              )}
            </Form>
          </Box>
        </Stack>
      )}

      <ModalTransition>
        {pendingMode && (
          <Modal onClose={() => setPendingMode(null)}>
            <ModalHeader>
              <ModalTitle appearance="warning">Switch to {AUTH_MODE_LABELS[pendingMode]}?</ModalTitle>
            </ModalHeader>
            <ModalBody>
              <p>
                Switching modes clears the stored Zoho CRM authentication only. Smart Connected Items and linked records stay in place.
              </p>
              {pendingMode === 'PROVIDERS' && <p>Background automation stops until App OAuth 2.0 is connected again.</p>}
            </ModalBody>
            <ModalFooter>
              <Button appearance="subtle" onClick={() => setPendingMode(null)}>
                Cancel
              </Button>
              <Button appearance="warning" onClick={() => void switchMode(pendingMode)} isLoading={action.pending === 'mode'}>
                Switch mode
              </Button>
            </ModalFooter>
          </Modal>
        )}
      </ModalTransition>
    </Stack>
  );
}
