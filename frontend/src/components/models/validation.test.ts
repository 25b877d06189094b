import { nameProblem, tagProblem } from './validation';

describe('model name and tag rules (same as the backend)', () => {
  it('refuses a blank or too long name and collapses spaces', () => {
    expect(nameProblem('   ')).toBe('The name cannot be blank.');
    expect(nameProblem('x'.repeat(201))).toMatch(/at most 200/i);
    expect(nameProblem('  crack   v2 ')).toBeNull();
  });

  it('accepts tags with letters, digits and . : + # / - _ and refuses others', () => {
    expect(tagProblem('prod', [])).toBeNull();
    expect(tagProblem('v1.2-rc/3 #best', [])).toBeNull();
    expect(tagProblem('béton', [])).toBeNull();
    expect(tagProblem('-leading', [])).toMatch(/letters, digits/);
    expect(tagProblem('a;b', [])).toMatch(/letters, digits/);
    expect(tagProblem('x'.repeat(41), [])).toMatch(/at most 40/);
  });

  it('refuses a duplicate (case-insensitive) and a 21st tag', () => {
    expect(tagProblem('PROD', ['prod'])).toMatch(/already tagged/);
    const twenty = Array.from({ length: 20 }, (_, index) => `t${index}`);
    expect(tagProblem('new', twenty)).toMatch(/at most 20 tags/i);
  });
});
