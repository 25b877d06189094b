import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { stubApi } from '@/components/datasets/testing';
import type { AuthUser, NewUser, UserUpdate } from '@/services/auth.service';
import { jsonResponse, renderRoute } from '@/test/utils';

import { ADMIN, AUTH_OFF, clearAuthState, makeUser, statusResponse, VIEWER } from './testing';

const BOB = makeUser({ id: 'u-bob', username: 'bob', role: 'user', last_login_at: null });

/** An admin's server keeping a real list of accounts that the requests change. */
function usersServer() {
  let users: AuthUser[] = [ADMIN, BOB];
  const stub = stubApi({
    'GET /api/v1/auth/status': () => statusResponse(ADMIN),
    'GET /api/v1/auth/tokens': () => jsonResponse([]),
    'GET /api/v1/users': () => jsonResponse(users),
    'POST /api/v1/users': async (request) => {
      const body = (await request.json()) as NewUser;
      const created = makeUser({
        id: `u-${body.username}`,
        username: body.username,
        role: body.role,
      });
      users = [...users, created];
      return jsonResponse(created, 201);
    },
    'PATCH /api/v1/users/u-bob': async (request) => {
      const { role, disabled } = (await request.json()) as UserUpdate;
      users = users.map((user) =>
        user.id === 'u-bob'
          ? { ...user, role: role ?? user.role, disabled: disabled ?? user.disabled }
          : user,
      );
      return jsonResponse(users.find((user) => user.id === 'u-bob'));
    },
    'PATCH /api/v1/users/u-admin': () =>
      jsonResponse({ detail: 'The last active admin cannot be demoted.' }, 409),
    'DELETE /api/v1/users/u-carol': () => {
      users = users.filter((user) => user.id !== 'u-carol');
      return new Response(null, { status: 204 });
    },
  });
  return stub;
}

describe('Settings > Users', () => {
  beforeEach(() => {
    clearAuthState();
  });

  it('lets an admin create, change, disable, set the password of and delete accounts', async () => {
    const { calls, bodies } = usersServer();
    renderRoute('/settings');
    const panel = await screen.findByTestId('users-panel');
    const bobRow = await within(panel).findByTestId('user-row-bob');
    const selfRow = within(panel).getByTestId('user-row-alice');
    expect(selfRow).toHaveTextContent('(you)');
    expect(within(selfRow).getByRole('button', { name: 'Delete alice' })).toBeDisabled();
    expect(bobRow).toHaveTextContent('never');

    const user = userEvent.setup();
    // Create: the form checks the name before asking the server.
    await user.click(within(panel).getByRole('button', { name: 'Add user' }));
    const form = within(panel).getByRole('form', { name: 'New account' });
    await user.type(within(form).getByLabelText('Username'), 'c!');
    await user.type(within(form).getByLabelText('Initial password'), 'initial password');
    await user.click(within(form).getByRole('button', { name: 'Create account' }));
    expect(within(form).getByText(/Use 3-64 letters/)).toBeVisible();
    await user.clear(within(form).getByLabelText('Username'));
    await user.type(within(form).getByLabelText('Username'), 'carol');
    await user.selectOptions(within(form).getByLabelText('Role'), 'viewer');
    await user.click(within(form).getByRole('button', { name: 'Create account' }));
    const carolRow = await within(panel).findByTestId('user-row-carol');
    expect(within(carolRow).getByRole('combobox', { name: 'Role of carol' })).toHaveValue('viewer');
    expect(bodies).toContainEqual({
      username: 'carol',
      password: 'initial password',
      role: 'viewer',
    });

    // Role and disable.
    await user.selectOptions(
      within(bobRow).getByRole('combobox', { name: 'Role of bob' }),
      'viewer',
    );
    await waitFor(() => {
      expect(bodies).toContainEqual({ role: 'viewer' });
    });
    await user.click(within(bobRow).getByRole('button', { name: 'Disable' }));
    expect(await within(bobRow).findByText('Disabled')).toBeVisible();
    expect(bodies).toContainEqual({ disabled: true });

    // Password.
    await user.click(within(bobRow).getByRole('button', { name: 'Set password' }));
    const dialog = await screen.findByRole('dialog', { name: 'New password for bob' });
    await user.type(within(dialog).getByLabelText('New password'), 'temporary password');
    await user.click(within(dialog).getByRole('button', { name: 'Set password' }));
    await waitFor(() => {
      expect(bodies).toContainEqual({ password: 'temporary password' });
    });
    expect(await screen.findByText('Password of bob set')).toBeInTheDocument();

    // Delete, after a confirmation.
    await user.click(within(carolRow).getByRole('button', { name: 'Delete carol' }));
    expect(calls).not.toContain('DELETE /api/v1/users/u-carol');
    await user.click(within(carolRow).getByRole('button', { name: 'Delete' }));
    await waitFor(() => {
      expect(within(panel).queryByTestId('user-row-carol')).not.toBeInTheDocument();
    });
    expect(calls).toContain('DELETE /api/v1/users/u-carol');
  });

  it('shows why the server refused a change (the last admin)', async () => {
    usersServer();
    renderRoute('/settings');
    const selfRow = await screen.findByTestId('user-row-alice');
    await userEvent
      .setup()
      .selectOptions(within(selfRow).getByRole('combobox', { name: 'Role of alice' }), 'user');
    expect(await screen.findByText('The last active admin cannot be demoted.')).toBeVisible();
  });

  it('is hidden from a viewer, who still sees their API tokens', async () => {
    const { calls } = stubApi({
      'GET /api/v1/auth/status': () => statusResponse(VIEWER),
      'GET /api/v1/auth/tokens': () => jsonResponse([]),
    });
    renderRoute('/settings');
    expect(await screen.findByTestId('api-tokens-panel')).toBeInTheDocument();
    expect(screen.queryByTestId('users-panel')).not.toBeInTheDocument();
    expect(screen.getByText('Only admins can change these settings.')).toBeVisible();
    expect(calls).not.toContain('GET /api/v1/users');
  });

  it('says access control is off on a loopback bind, and how to turn it on', async () => {
    const { calls } = stubApi({ 'GET /api/v1/auth/status': AUTH_OFF });
    renderRoute('/settings');
    const notes = await screen.findAllByTestId('access-control-off');
    expect(notes).toHaveLength(2);
    expect(notes[0]).toHaveTextContent('no accounts to manage');
    expect(notes[1]).toHaveTextContent('no API tokens to manage');
    expect(notes[0]).toHaveTextContent('CRACKDET_AUTH=required');
    expect(screen.queryByText('Only admins can change these settings.')).not.toBeInTheDocument();
    expect(calls).not.toContain('GET /api/v1/users');
    expect(calls).not.toContain('GET /api/v1/auth/tokens');
  });
});
