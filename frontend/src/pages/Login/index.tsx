import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type SubmitEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';

import { AuthScreen } from '@/components/auth/AuthScreen';
import { loginErrorMessage } from '@/components/auth/loginErrors';
import { safeNextPath } from '@/components/auth/loginPath';
import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { FormField } from '@/components/common/FormField';
import { Loader } from '@/components/common/Loader';
import { authKeys, useAuthStatus, useLogin } from '@/hooks/useAuth';
import { errorMessage, hasStatus } from '@/services/errors';
import { useAuthStore } from '@/store/authStore';

/**
 * A 401 that the server's own status then contradicts (a request that raced the login, say) sends
 * the browser straight back, but at most once in this interval: a server that keeps refusing the
 * session cannot bounce the browser between the app and this page.
 */
const RESUME_INTERVAL_MS = 10_000;

export default function LoginPage() {
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const status = useAuthStatus();
  const sessionExpired = useAuthStore((state) => state.sessionExpired);
  const clearSessionExpired = useAuthStore((state) => state.clearSessionExpired);
  const markResumed = useAuthStore((state) => state.markResumed);
  const lastResumedAt = useAuthStore((state) => state.lastResumedAt);
  const [openedAt] = useState(() => Date.now());
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  // A 401 elsewhere sent us here: ask the server again rather than trust the cached status.
  useEffect(() => {
    if (sessionExpired) void queryClient.invalidateQueries({ queryKey: authKeys.status });
  }, [sessionExpired, queryClient]);

  // Nothing to sign in to (access control off), or signed in (now or already): go on.
  const authOff = status.data?.auth_enabled === false;
  const knownUser = status.data?.user != null && !status.isFetching;
  const signedIn = knownUser && !sessionExpired;
  // After a 401: the server, asked again since this page opened, still knows the session.
  const stillSignedIn = knownUser && sessionExpired && status.dataUpdatedAt >= openedAt;
  const mayResume = stillSignedIn && openedAt - lastResumedAt > RESUME_INTERVAL_MS;
  useEffect(() => {
    if (authOff || signedIn) clearSessionExpired();
    else if (mayResume) markResumed(openedAt);
    else return;
    void navigate(next, { replace: true });
  }, [authOff, signedIn, mayResume, openedAt, next, navigate, clearSessionExpired, markResumed]);

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    login.mutate(
      { username: username.trim(), password },
      {
        onError: (error) => {
          setPassword('');
          // 409: access control was switched off meanwhile.
          if (hasStatus(error, 409)) void status.refetch();
        },
      },
    );
  };

  if (status.isPending) {
    return (
      <AuthScreen title="Sign in" testId="page-login">
        <Loader label="Checking the server…" />
      </AuthScreen>
    );
  }

  return (
    <AuthScreen
      title="Sign in"
      testId="page-login"
      description="This server requires an account. Ask an admin if you do not have one."
    >
      <form className="space-y-4" onSubmit={onSubmit} aria-label="Sign in">
        {stillSignedIn && !mayResume && !login.isError && (
          <Callout tone="warning">
            The server refused a request from this session more than once. Sign in again.
          </Callout>
        )}
        {status.isError && (
          <Callout tone="warning" title="The server could not be reached">
            {errorMessage(status.error)}
          </Callout>
        )}
        <FormField label="Username">
          {(control) => (
            <input
              {...control}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              maxLength={64}
              value={username}
              onChange={(event) => {
                setUsername(event.target.value);
              }}
            />
          )}
        </FormField>
        <FormField label="Password">
          {(control) => (
            <input
              {...control}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              maxLength={256}
              value={password}
              onChange={(event) => {
                setPassword(event.target.value);
              }}
            />
          )}
        </FormField>
        {login.isError && <Callout tone="error">{loginErrorMessage(login.error)}</Callout>}
        <Button
          type="submit"
          className="w-full"
          disabled={login.isPending || username.trim() === '' || password === ''}
        >
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </AuthScreen>
  );
}
