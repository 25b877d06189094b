import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {
  ADMIN,
  AUTH_OFF,
  clearAuthState,
  makeUser,
  statusResponse,
} from '@/components/auth/testing';
import { stubApi, type RouteHandler } from '@/components/datasets/testing';
import type { AuthUser } from '@/services/auth.service';
import { jsonResponse, renderRoute } from '@/test/utils';

const EMPTY_DATASETS = () =>
  jsonResponse({ items: [], total: 0, used_bytes: 0, quota_bytes: 1024 ** 3 });

/** A server with access control on; `signedIn` is who the session cookie belongs to. */
function authServer(
  routes: Record<string, RouteHandler> = {},
  initialUser: AuthUser | null = null,
) {
  const server = { signedIn: initialUser };
  const stub = stubApi({
    'GET /api/v1/auth/status': () => statusResponse(server.signedIn),
    'GET /api/v1/datasets': () =>
      server.signedIn === null ? jsonResponse({ detail: 'Sign in' }, 401) : EMPTY_DATASETS(),
    ...routes,
  });
  return { server, ...stub };
}

async function signIn(username: string, password: string) {
  const user = userEvent.setup();
  const form = await screen.findByRole('form', { name: 'Sign in' });
  await user.type(within(form).getByLabelText('Username'), username);
  await user.type(within(form).getByLabelText('Password'), password);
  await user.click(within(form).getByRole('button', { name: 'Sign in' }));
}

describe('login page', () => {
  beforeEach(() => {
    clearAuthState();
  });

  it('sends an unauthenticated visit to the login page, remembering where it was going', async () => {
    authServer();
    const { router } = renderRoute('/datasets?tab=all');
    expect(await screen.findByTestId('page-login')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent('/datasets?tab=all')}`);
    expect(screen.queryByTestId('page-datasets')).not.toBeInTheDocument();
  });

  it('signs in and goes on to the page in `next`', async () => {
    const { server, bodies } = authServer({
      'POST /api/v1/auth/login': () => {
        server.signedIn = ADMIN;
        return jsonResponse({ user: ADMIN, csrf_token: 'c' });
      },
    });
    const { router } = renderRoute('/login?next=%2Fdatasets');
    await signIn(' alice ', 'correct horse battery');
    expect(await screen.findByTestId('page-datasets')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/datasets');
    expect(bodies).toContainEqual({ username: 'alice', password: 'correct horse battery' });
    expect(await screen.findByTestId('user-menu')).toHaveTextContent('alice');
  });

  it('says the credentials are wrong without telling which, and clears the password', async () => {
    authServer({
      'POST /api/v1/auth/login': () =>
        jsonResponse({ detail: 'Invalid username or password' }, 401),
    });
    const { router } = renderRoute('/login');
    await signIn('alice', 'not the password');
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username or password.');
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(router.state.location.pathname).toBe('/login');
  });

  it('tells how long to wait when sign-ins are rate limited', async () => {
    authServer({
      'POST /api/v1/auth/login': () =>
        new Response(JSON.stringify({ detail: 'Too many attempts' }), {
          status: 429,
          headers: { 'Content-Type': 'application/json', 'Retry-After': '42' },
        }),
    });
    renderRoute('/login');
    await signIn('alice', 'guess number six');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Too many failed sign-in attempts. Wait 42 seconds and try again.',
    );
  });

  it('explains a disabled account', async () => {
    authServer({
      'POST /api/v1/auth/login': () => jsonResponse({ detail: 'This account is disabled.' }, 403),
    });
    renderRoute('/login');
    await signIn('alice', 'correct horse battery');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'This account is disabled. Ask an admin to enable the account.',
    );
  });

  it('never follows a `next` that leaves the app', async () => {
    const { server } = authServer({
      'POST /api/v1/auth/login': () => {
        server.signedIn = ADMIN;
        return jsonResponse({ user: ADMIN, csrf_token: 'c' });
      },
    });
    const { router } = renderRoute('/login?next=%2F%2Fevil.example%2Fx');
    await signIn('alice', 'correct horse battery');
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/');
    });
  });

  it('is skipped when access control is off, and the app shows no user menu', async () => {
    stubApi({ 'GET /api/v1/auth/status': AUTH_OFF, 'GET /api/v1/datasets': EMPTY_DATASETS });
    const { router } = renderRoute('/login?next=%2Fdatasets');
    expect(await screen.findByTestId('page-datasets')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/datasets');
    expect(screen.queryByTestId('user-menu')).not.toBeInTheDocument();
  });

  it('returns to the login page when the session ends (401), then back after signing in', async () => {
    const { server } = authServer(
      {
        'POST /api/v1/auth/login': () => {
          server.signedIn = ADMIN;
          return jsonResponse({ user: ADMIN, csrf_token: 'c' });
        },
      },
      ADMIN,
    );
    const { router, queryClient } = renderRoute('/datasets?page=2');
    expect(await screen.findByTestId('page-datasets')).toBeInTheDocument();

    server.signedIn = null; // the session expires on the server: the next data request gets 401
    void queryClient.refetchQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
    expect(await screen.findByTestId('page-login')).toBeInTheDocument();
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent('/datasets?page=2')}`);

    await signIn('alice', 'correct horse battery');
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/datasets');
    });
    expect(router.state.location.search).toBe('?page=2');
  });

  it('asks for a new password first when the account has a one-time password', async () => {
    const firstAdmin = makeUser({ username: 'admin', must_change_password: true });
    const { server, bodies } = authServer(
      {
        'POST /api/v1/auth/password': () => {
          server.signedIn = { ...firstAdmin, must_change_password: false };
          return new Response(null, { status: 204 });
        },
      },
      firstAdmin,
    );
    renderRoute('/datasets');
    const page = await screen.findByTestId('page-change-password');
    const user = userEvent.setup();
    await user.type(within(page).getByLabelText('Current password'), 'one-time-pass');
    await user.type(within(page).getByLabelText('New password'), 'short');
    await user.type(within(page).getByLabelText('Repeat the new password'), 'short');
    await user.click(within(page).getByRole('button', { name: 'Change password' }));
    expect(within(page).getByText('Use at least 10 characters.')).toBeVisible();
    expect(bodies).toHaveLength(0);

    await user.clear(within(page).getByLabelText('New password'));
    await user.type(within(page).getByLabelText('New password'), 'a much longer secret');
    await user.clear(within(page).getByLabelText('Repeat the new password'));
    await user.type(within(page).getByLabelText('Repeat the new password'), 'a much longer secret');
    await user.click(within(page).getByRole('button', { name: 'Change password' }));
    expect(await screen.findByTestId('page-datasets')).toBeInTheDocument();
    expect(bodies).toContainEqual({
      current_password: 'one-time-pass',
      new_password: 'a much longer secret',
    });
  });

  it('waits for the status instead of rendering pages when sign-in was required before', async () => {
    localStorage.setItem('crackdet-auth-required', '1');
    let answerStatus: (response: Response) => void = () => undefined;
    const { calls } = authServer({
      'GET /api/v1/auth/status': () =>
        new Promise<Response>((resolve) => {
          answerStatus = resolve;
        }),
    });
    renderRoute('/datasets');
    expect(await screen.findByText('Checking your session…')).toBeVisible();
    expect(screen.queryByTestId('page-datasets')).not.toBeInTheDocument();

    answerStatus(statusResponse(null));
    expect(await screen.findByTestId('page-login')).toBeInTheDocument();
    expect(calls).not.toContain('GET /api/v1/datasets');
  });

  it('forgets that hint once the server says access control is off', async () => {
    localStorage.setItem('crackdet-auth-required', '1');
    stubApi({ 'GET /api/v1/auth/status': AUTH_OFF, 'GET /api/v1/datasets': EMPTY_DATASETS });
    renderRoute('/datasets');
    expect(await screen.findByTestId('page-datasets')).toBeInTheDocument();
    expect(localStorage.getItem('crackdet-auth-required')).toBeNull();
  });

  it('goes straight back when the server still knows the session after a stray 401, once', async () => {
    const refuseOnce = { datasets: false };
    const { calls } = authServer(
      {
        'GET /api/v1/datasets': () => {
          if (!refuseOnce.datasets) return EMPTY_DATASETS();
          refuseOnce.datasets = false;
          return jsonResponse({ detail: 'Not authenticated' }, 401);
        },
      },
      ADMIN,
    );
    const { router, queryClient } = renderRoute('/datasets');
    expect(await screen.findByTestId('page-datasets')).toBeInTheDocument();
    const refetchData = () =>
      queryClient.refetchQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });

    refuseOnce.datasets = true; // e.g. a request that raced the login
    void refetchData();
    await waitFor(() => {
      expect(calls.filter((call) => call === 'GET /api/v1/auth/status')).toHaveLength(2);
    });
    expect(await screen.findByTestId('page-datasets')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/datasets');

    // A second refusal soon after: the server keeps refusing, so the form stays.
    refuseOnce.datasets = true;
    void refetchData();
    expect(
      await screen.findByText(
        'The server refused a request from this session more than once. Sign in again.',
      ),
    ).toBeVisible();
    expect(router.state.location.pathname).toBe('/login');
  });
});
