import { Callout } from '@/components/common/Callout';

/** What the Users and API tokens sections say when the server runs without access control. */
export function AccessControlOffNote({ subject }: { subject: 'accounts' | 'API tokens' }) {
  return (
    <Callout tone="info" title="Access control is off" testId="access-control-off">
      <p>
        This server is bound to a loopback address (such as 127.0.0.1), so only this machine can
        reach it and nobody signs in: there are no {subject} to manage.
      </p>
      <p className="mt-2">
        To serve a team on the network, create an admin with{' '}
        <code className="font-mono">crackdet create-admin --username NAME</code>, then start{' '}
        <code className="font-mono">crackdet serve --host 0.0.0.0</code>: access control turns on by
        itself (or set <code className="font-mono">CRACKDET_AUTH=required</code> to have a first
        admin created with a one-time password printed once). Everyone then signs in, and admins
        manage accounts here. docs/SECURITY.md explains how to deploy it behind TLS.
      </p>
    </Callout>
  );
}
