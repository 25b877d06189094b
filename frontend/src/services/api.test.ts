import { clearAuthState, CSRF_TOKEN, requestFor, setCsrfCookie } from '@/components/auth/testing';
import { FakeXhr, stubApi } from '@/components/datasets/testing';
import { useAuthStore } from '@/store/authStore';
import { useUiStore } from '@/store/uiStore';
import { jsonResponse } from '@/test/utils';

import { api, csrfHeaders, readCookie } from './api';
import { uploadWithProgress } from './upload';

const NOTIFICATION = {
  id: 1,
  level: 'info',
  title: 't',
  message: null,
  source: 'system',
  read: true,
  created_at: '2026-03-02T09:30:00Z',
};

describe('api client and access control', () => {
  beforeEach(() => {
    clearAuthState();
  });

  afterEach(() => {
    clearAuthState();
  });

  it('reads a cookie by name', () => {
    document.cookie = 'other=1; path=/';
    setCsrfCookie('a=b');
    expect(readCookie('crackdet_csrf')).toBe('a=b');
    expect(readCookie('missing')).toBeNull();
  });

  it('sends the CSRF cookie as X-CSRF-Token on a POST and not on a GET', async () => {
    setCsrfCookie();
    const { fetchMock } = stubApi({
      'GET /api/v1/notifications': () =>
        jsonResponse({ items: [], total: 0, unread_count: 0, offset: 0, limit: 1 }),
      'POST /api/v1/notifications/1/read': () => jsonResponse(NOTIFICATION),
    });
    await api.GET('/api/v1/notifications', { params: { query: { limit: 1 } } });
    await api.POST('/api/v1/notifications/{notification_id}/read', {
      params: { path: { notification_id: 1 } },
    });
    const get = requestFor(fetchMock.mock.calls, 'GET', '/api/v1/notifications');
    const post = requestFor(fetchMock.mock.calls, 'POST', '/api/v1/notifications/1/read');
    expect(get.headers.get('X-CSRF-Token')).toBeNull();
    expect(post.headers.get('X-CSRF-Token')).toBe(CSRF_TOKEN);
    expect(post.credentials).toBe('same-origin');
  });

  it('sends no CSRF header without a session cookie (access control off)', async () => {
    const { fetchMock } = stubApi({
      'POST /api/v1/notifications/read-all': () => jsonResponse({ updated: 0 }),
    });
    await api.POST('/api/v1/notifications/read-all');
    const post = requestFor(fetchMock.mock.calls, 'POST', '/api/v1/notifications/read-all');
    expect(post.headers.has('X-CSRF-Token')).toBe(false);
    expect(csrfHeaders('DELETE')).toEqual({});
  });

  it('marks the session as expired on a 401 answer', async () => {
    stubApi({
      'GET /api/v1/notifications': () => jsonResponse({ detail: 'Sign in first' }, 401),
    });
    const { response } = await api.GET('/api/v1/notifications', {
      params: { query: { limit: 1 } },
    });
    expect(response.status).toBe(401);
    expect(useAuthStore.getState().sessionExpired).toBe(true);
  });

  it('explains a 403 on a write with a toast, once', async () => {
    stubApi({
      'POST /api/v1/notifications/read-all': () =>
        jsonResponse({ detail: 'Viewers have read-only access.' }, 403),
    });
    await api.POST('/api/v1/notifications/read-all');
    await api.POST('/api/v1/notifications/read-all');
    const { toasts } = useUiStore.getState();
    expect(toasts).toHaveLength(1);
    expect(toasts[0]).toMatchObject({
      variant: 'error',
      title: 'Not allowed',
      description: 'Viewers have read-only access. Ask an admin if you need this permission.',
    });
    expect(useAuthStore.getState().sessionExpired).toBe(false);
  });

  it('suggests a reload for a CSRF refusal', async () => {
    stubApi({
      'POST /api/v1/notifications/read-all': () =>
        jsonResponse({ detail: 'CSRF token missing or wrong' }, 403),
    });
    await api.POST('/api/v1/notifications/read-all');
    expect(useUiStore.getState().toasts[0]?.description).toBe(
      'CSRF token missing or wrong Reload the page and try again.',
    );
  });
});

describe('uploads and access control', () => {
  beforeEach(() => {
    clearAuthState();
    FakeXhr.install();
  });

  afterEach(() => {
    clearAuthState();
  });

  it('sends the CSRF header with the multipart upload', async () => {
    setCsrfCookie();
    const uploaded = uploadWithProgress({
      url: '/api/v1/models/upload',
      form: new FormData(),
    });
    const xhr = FakeXhr.latest();
    expect(xhr.headers['X-CSRF-Token']).toBe(CSRF_TOKEN);
    xhr.respond(201, { id: 'm1' });
    await expect(uploaded).resolves.toEqual({ id: 'm1' });
  });

  it('routes to the login page on 401 and explains a 403', async () => {
    const first = uploadWithProgress({ url: '/u', form: new FormData() });
    FakeXhr.latest().respond(401, { detail: 'Sign in first' });
    await expect(first).rejects.toMatchObject({ status: 401 });
    expect(useAuthStore.getState().sessionExpired).toBe(true);

    const second = uploadWithProgress({ url: '/u', form: new FormData() });
    FakeXhr.latest().respond(403, { detail: 'Viewers have read-only access.' });
    await expect(second).rejects.toMatchObject({ status: 403 });
    expect(useUiStore.getState().toasts[0]?.title).toBe('Not allowed');
  });
});
