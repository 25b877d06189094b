import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { stubApi } from '@/components/datasets/testing';
import { jsonResponse, renderRoute } from '@/test/utils';

import { ADMIN, AUTH_OFF, clearAuthState, statusResponse, VIEWER } from './testing';

const NO_CONTENT = () => new Response(null, { status: 204 });

describe('user menu', () => {
  beforeEach(() => {
    clearAuthState();
  });

  it('shows the signed-in admin, links to Users and API tokens, and signs out', async () => {
    const server = { signedIn: ADMIN as typeof ADMIN | null };
    const { calls } = stubApi({
      'GET /api/v1/auth/status': () => statusResponse(server.signedIn),
      'POST /api/v1/auth/logout': () => {
        server.signedIn = null;
        return NO_CONTENT();
      },
    });
    const { router } = renderRoute('/');
    const button = await screen.findByTestId('user-menu');
    expect(button).toHaveTextContent('alice');
    expect(button).toHaveTextContent('Admin');

    const user = userEvent.setup();
    await user.click(button);
    const menu = screen.getByRole('menu', { name: 'Account' });
    expect(within(menu).getByRole('menuitem', { name: 'Users' })).toHaveAttribute(
      'href',
      '/settings#users',
    );
    expect(within(menu).getByRole('menuitem', { name: 'API tokens' })).toHaveAttribute(
      'href',
      '/settings#api-tokens',
    );

    await user.click(within(menu).getByRole('menuitem', { name: 'Sign out' }));
    expect(await screen.findByTestId('page-login')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(calls).toContain('POST /api/v1/auth/logout');
    expect(screen.queryByTestId('user-menu')).not.toBeInTheDocument();
  });

  it('marks a viewer as read only and offers no user administration', async () => {
    stubApi({ 'GET /api/v1/auth/status': () => statusResponse(VIEWER) });
    renderRoute('/');
    const button = await screen.findByTestId('user-menu');
    expect(button).toHaveTextContent('Read only');
    await userEvent.setup().click(button);
    const menu = screen.getByRole('menu', { name: 'Account' });
    expect(within(menu).getByText(/Viewer: read only/)).toBeVisible();
    expect(within(menu).queryByRole('menuitem', { name: 'Users' })).not.toBeInTheDocument();
  });

  it('changes the password from the menu', async () => {
    const { bodies } = stubApi({
      'GET /api/v1/auth/status': () => statusResponse(ADMIN),
      'POST /api/v1/auth/password': NO_CONTENT,
    });
    renderRoute('/');
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('user-menu'));
    await user.click(screen.getByRole('menuitem', { name: 'Change password' }));
    const dialog = await screen.findByRole('dialog', { name: 'Change password' });
    await user.type(within(dialog).getByLabelText('Current password'), 'old password 1');
    await user.type(within(dialog).getByLabelText('New password'), 'new password 22');
    await user.type(within(dialog).getByLabelText('Repeat the new password'), 'new password 2');
    await user.click(within(dialog).getByRole('button', { name: 'Change password' }));
    expect(within(dialog).getByText('The two new passwords differ.')).toBeVisible();

    await user.type(within(dialog).getByLabelText('Repeat the new password'), '2');
    await user.click(within(dialog).getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Password changed')).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.queryByRole('dialog', { name: 'Change password' })).not.toBeInTheDocument();
    });
    expect(bodies).toContainEqual({
      current_password: 'old password 1',
      new_password: 'new password 22',
    });
  });

  it('shows the server refusing a wrong current password', async () => {
    stubApi({
      'GET /api/v1/auth/status': () => statusResponse(ADMIN),
      'POST /api/v1/auth/password': () =>
        jsonResponse({ detail: 'The current password is wrong.' }, 400),
    });
    renderRoute('/');
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('user-menu'));
    await user.click(screen.getByRole('menuitem', { name: 'Change password' }));
    const dialog = await screen.findByRole('dialog', { name: 'Change password' });
    await user.type(within(dialog).getByLabelText('Current password'), 'wrong password');
    await user.type(within(dialog).getByLabelText('New password'), 'new password 22');
    await user.type(within(dialog).getByLabelText('Repeat the new password'), 'new password 22');
    await user.click(within(dialog).getByRole('button', { name: 'Change password' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The current password is wrong.',
    );
  });

  it('is absent when access control is off', async () => {
    stubApi({ 'GET /api/v1/auth/status': AUTH_OFF });
    renderRoute('/');
    expect(await screen.findByTestId('page-dashboard')).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.queryByTestId('page-login')).not.toBeInTheDocument();
    });
    expect(screen.queryByTestId('user-menu')).not.toBeInTheDocument();
  });
});
