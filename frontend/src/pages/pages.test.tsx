import { screen, within } from '@testing-library/react';

import {
  ARCHITECTURES,
  DEFAULTS,
  mockApi,
  page as sessionPage,
} from '@/pages/Training/testing/fixtures';
import { HEALTHY, jsonResponse, mockFetch, mockHealthyBackend, renderRoute } from '@/test/utils';

interface PageCase {
  path: string;
  testId: string;
  heading: string;
  emptyState: RegExp;
}

const PAGES: PageCase[] = [
  {
    path: '/no/such/page',
    testId: 'page-not-found',
    heading: 'Page not found',
    emptyState: /there is no page here/i,
  },
];

describe('pages', () => {
  beforeEach(() => {
    mockHealthyBackend();
  });

  it.each(PAGES)('$path shows its heading and an honest empty state', async (page) => {
    renderRoute(page.path);
    const root = await screen.findByTestId(page.testId);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(page.heading);
    expect(within(root).getByRole('heading', { name: page.emptyState })).toBeInTheDocument();
  });

  it('redirects /training to the new-run tab', async () => {
    const { router } = renderRoute('/training');
    expect(await screen.findByTestId('page-training-new')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/training/new');
  });

  it('dashboard shows the real backend health, not invented numbers', async () => {
    renderRoute('/');
    const dashboard = await screen.findByTestId('page-dashboard');
    expect(await within(dashboard).findByText('Connected')).toBeInTheDocument();
    expect(within(dashboard).getByText('0.1.0')).toBeInTheDocument();
  });
});

describe('prediction page', () => {
  it('/prediction shows its heading and an honest empty state without models', async () => {
    mockFetch({
      '/api/v1/system/health': () => jsonResponse(HEALTHY),
      '/api/v1/models': () => jsonResponse({ items: [], total: 0, offset: 0, limit: 200 }),
    });
    renderRoute('/prediction');
    const root = await screen.findByTestId('page-prediction');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Prediction');
    expect(
      await within(root).findByRole('heading', { name: /no models to predict with/i }),
    ).toBeInTheDocument();
  });
});

describe('datasets pages', () => {
  it('/datasets shows its heading and an honest empty state', async () => {
    mockFetch({
      '/api/v1/system/health': () => jsonResponse(HEALTHY),
      '/api/v1/datasets': () =>
        jsonResponse({ items: [], total: 0, used_bytes: 0, quota_bytes: 1024 ** 3 }),
    });
    renderRoute('/datasets');
    const root = await screen.findByTestId('page-datasets');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Datasets');
    expect(
      await within(root).findByRole('heading', { name: /no datasets yet/i }),
    ).toBeInTheDocument();
  });

  it('/datasets/7 shows its heading and says when there is no such dataset', async () => {
    mockFetch({
      '/api/v1/system/health': () => jsonResponse(HEALTHY),
      '/api/v1/datasets/7': () => jsonResponse({ detail: "No dataset with id '7'." }, 404),
    });
    renderRoute('/datasets/7');
    const root = await screen.findByTestId('page-dataset-detail');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Dataset');
    expect(
      await within(root).findByRole('heading', { name: /dataset not found/i }),
    ).toBeInTheDocument();
  });
});

describe('models pages', () => {
  it('/models shows its heading and an honest empty state', async () => {
    mockFetch({
      '/api/v1/system/health': () => jsonResponse(HEALTHY),
      '/api/v1/models': () => jsonResponse({ items: [], total: 0, offset: 0, limit: 200 }),
    });
    renderRoute('/models');
    const root = await screen.findByTestId('page-models');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Models');
    expect(
      await within(root).findByRole('heading', { name: /no models yet/i }),
    ).toBeInTheDocument();
  });

  it('/models/3 shows its heading and says when there is no such model', async () => {
    mockFetch({
      '/api/v1/system/health': () => jsonResponse(HEALTHY),
      '/api/v1/models/3': () => jsonResponse({ detail: 'Model 3 does not exist' }, 404),
    });
    renderRoute('/models/3');
    const root = await screen.findByTestId('page-model-detail');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Model');
    expect(
      await within(root).findByRole('heading', { name: /model not found/i }),
    ).toBeInTheDocument();
  });
});

describe('training pages', { timeout: 30_000 }, () => {
  beforeEach(() => {
    // A fresh install: no dataset, no run.
    mockApi({
      'GET /api/v1/training/sessions': () => jsonResponse(sessionPage([])),
      'GET /api/v1/training/defaults': () => jsonResponse(DEFAULTS),
      'GET /api/v1/training/architectures': () => jsonResponse(ARCHITECTURES),
      'GET /api/v1/datasets': () => jsonResponse({ items: [] }),
    });
  });

  it.each([
    { path: '/training/active', testId: 'page-training-active', empty: /no active training run/i },
    { path: '/training/history', testId: 'page-training-history', empty: /no training runs yet/i },
  ])('$path shows its heading and an honest empty state', async ({ path, testId, empty }) => {
    renderRoute(path);
    const root = await screen.findByTestId(testId);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Training');
    expect(await within(root).findByRole('heading', { name: empty })).toBeInTheDocument();
  });

  it('/training/new says a ready dataset is needed and cannot start', async () => {
    renderRoute('/training/new');
    const root = await screen.findByTestId('page-training-new');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Training');
    expect(await within(root).findByText('No ready dataset')).toBeInTheDocument();
    expect(within(root).getByRole('button', { name: 'Start training' })).toBeDisabled();
  });
});

describe('settings page', () => {
  it('shows the system information from the backend', async () => {
    mockHealthyBackend();
    renderRoute('/settings');
    const page = await screen.findByTestId('page-settings');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Settings');
    expect(await within(page).findByText('/var/lib/crackdet')).toBeInTheDocument();
    expect(within(page).getByText('3.11.2')).toBeInTheDocument();
    expect(within(page).getByText('sqlite')).toBeInTheDocument();
    expect(within(page).getByText('8.4.190')).toBeInTheDocument();
    expect(within(page).getAllByText('not installed')).toHaveLength(3);
  });

  it('says so when the backend cannot be reached', async () => {
    mockFetch({});
    renderRoute('/settings');
    expect(await screen.findByText('Could not load system information')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
