import { screen, within } from '@testing-library/react';

import { mockFetch, mockHealthyBackend, renderRoute } from '@/test/utils';

interface PageCase {
  path: string;
  testId: string;
  heading: string;
  emptyState: RegExp;
}

const PAGES: PageCase[] = [
  {
    path: '/',
    testId: 'page-dashboard',
    heading: 'Dashboard',
    emptyState: /no training activity yet/i,
  },
  {
    path: '/training/new',
    testId: 'page-training-new',
    heading: 'Training',
    emptyState: /starting a training run is not available yet/i,
  },
  {
    path: '/training/active',
    testId: 'page-training-active',
    heading: 'Training',
    emptyState: /no active training run/i,
  },
  {
    path: '/training/history',
    testId: 'page-training-history',
    heading: 'Training',
    emptyState: /no training runs yet/i,
  },
  {
    path: '/prediction',
    testId: 'page-prediction',
    heading: 'Prediction',
    emptyState: /prediction is not available yet/i,
  },
  {
    path: '/datasets',
    testId: 'page-datasets',
    heading: 'Datasets',
    emptyState: /no datasets yet/i,
  },
  {
    path: '/datasets/7',
    testId: 'page-dataset-detail',
    heading: 'Dataset',
    emptyState: /dataset details are not available yet/i,
  },
  { path: '/models', testId: 'page-models', heading: 'Models', emptyState: /no models yet/i },
  {
    path: '/models/3',
    testId: 'page-model-detail',
    heading: 'Model',
    emptyState: /model details are not available yet/i,
  },
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
