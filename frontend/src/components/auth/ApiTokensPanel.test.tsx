import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { stubApi } from '@/components/datasets/testing';
import type { ApiToken, NewApiToken } from '@/services/auth.service';
import { jsonResponse, renderRoute } from '@/test/utils';

import { tokenStateOf } from './format';
import { ADMIN, clearAuthState, CREATED, makeToken, statusResponse } from './testing';

const SECRET = 'cdt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

function tokensServer(initial: ApiToken[] = []) {
  let tokens = initial;
  return stubApi({
    'GET /api/v1/auth/status': () => statusResponse(ADMIN),
    'GET /api/v1/users': () => jsonResponse([ADMIN]),
    'GET /api/v1/auth/tokens': () => jsonResponse(tokens),
    'POST /api/v1/auth/tokens': async (request) => {
      const body = (await request.json()) as NewApiToken;
      const token = makeToken({ id: 't-new', name: body.name, prefix: SECRET.slice(0, 8) });
      tokens = [...tokens, token];
      return jsonResponse({ token, secret: SECRET }, 201);
    },
    'DELETE /api/v1/auth/tokens/t1': () => {
      tokens = tokens.map((token) => (token.id === 't1' ? { ...token, revoked: true } : token));
      return new Response(null, { status: 204 });
    },
  });
}

describe('Settings > API tokens', () => {
  beforeEach(() => {
    clearAuthState();
  });

  it('creates a token and shows its secret once, with a copy button', async () => {
    const { bodies } = tokensServer();
    renderRoute('/settings');
    const panel = await screen.findByTestId('api-tokens-panel');
    expect(await within(panel).findByText('You have no API tokens yet.')).toBeVisible();

    const user = userEvent.setup(); // installs a clipboard stand-in on navigator
    const writeText = vi.spyOn(navigator.clipboard, 'writeText');
    const form = within(panel).getByRole('form', { name: 'New API token' });
    await user.click(within(form).getByRole('button', { name: 'Create token' }));
    expect(within(form).getByText(/Name the token/)).toBeVisible();
    expect(bodies).toHaveLength(0);

    await user.type(within(form).getByLabelText('Token name'), ' nightly export ');
    await user.selectOptions(within(form).getByLabelText('Expires after'), 'Never');
    await user.click(within(form).getByRole('button', { name: 'Create token' }));
    expect(await within(panel).findByTestId('new-token-secret')).toHaveTextContent(SECRET);
    expect(bodies).toContainEqual({ name: 'nightly export', expires_in_days: null });
    const row = await within(panel).findByTestId('token-row-t-new');
    expect(row).toHaveTextContent('cdt_AbCd…');
    expect(row).not.toHaveTextContent(SECRET);

    await user.click(within(panel).getByRole('button', { name: 'Copy token' }));
    expect(writeText).toHaveBeenCalledWith(SECRET);
    expect(await within(panel).findByRole('button', { name: 'Copied' })).toBeVisible();

    await user.click(within(panel).getByRole('button', { name: 'I have saved it' }));
    expect(within(panel).queryByTestId('new-token-secret')).not.toBeInTheDocument();
    expect(screen.queryByText(SECRET)).not.toBeInTheDocument();
  });

  it('revokes a token after a confirmation', async () => {
    const { calls } = tokensServer([makeToken({ last_used_at: CREATED })]);
    renderRoute('/settings');
    const row = await screen.findByTestId('token-row-t1');
    expect(row).toHaveTextContent('active');
    const user = userEvent.setup();
    await user.click(within(row).getByRole('button', { name: 'Revoke prometheus' }));
    expect(within(row).getByText('Scripts using it stop working.')).toBeVisible();
    expect(calls).not.toContain('DELETE /api/v1/auth/tokens/t1');
    await user.click(within(row).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => {
      expect(row).toHaveTextContent('revoked');
    });
    expect(calls).toContain('DELETE /api/v1/auth/tokens/t1');
    expect(within(row).queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();
  });
});

describe('tokenStateOf', () => {
  it('tells active, expired and revoked tokens apart', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(tokenStateOf(makeToken(), now)).toBe('active');
    expect(tokenStateOf(makeToken({ expires_at: '2026-05-31T23:59:59Z' }), now)).toBe('expired');
    expect(tokenStateOf(makeToken({ expires_at: '2026-06-02T00:00:00Z' }), now)).toBe('active');
    expect(tokenStateOf(makeToken({ revoked: true }), now)).toBe('revoked');
  });
});
