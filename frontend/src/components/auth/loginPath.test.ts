import { loginPathFor, safeNextPath } from './loginPath';

describe('login redirects', () => {
  it('remembers the whole in-app location', () => {
    expect(loginPathFor({ pathname: '/models/3', search: '?tab=exports', hash: '#top' })).toBe(
      `/login?next=${encodeURIComponent('/models/3?tab=exports#top')}`,
    );
  });

  it.each([
    ['/datasets?page=2', '/datasets?page=2'],
    [null, '/'],
    ['', '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['/login?next=/x', '/'],
    ['javascript:alert(1)', '/'],
  ])('follows %s to %s', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});
