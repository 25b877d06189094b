import '@testing-library/jest-dom/vitest';

import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

import { useUiStore } from '@/store/uiStore';

/**
 * Browsers resolve a relative URL ("/api/v1/...") against the page; Node's Request does not.
 * The API client uses same-origin relative URLs, so resolve them against jsdom's location,
 * exactly as the browser would.
 */
class PageRelativeRequest extends Request {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    const resolved =
      typeof input === 'string' && input.startsWith('/')
        ? new URL(input, window.location.origin)
        : input;
    super(resolved, init);
  }
}
globalThis.Request = PageRelativeRequest;

/** Radix toasts handle swipes with pointer capture, which jsdom lacks. */
if (!('hasPointerCapture' in Element.prototype)) {
  Object.assign(Element.prototype, {
    hasPointerCapture: () => false,
    setPointerCapture: () => undefined,
    releasePointerCapture: () => undefined,
  });
}

afterEach(() => {
  cleanup();
  useUiStore.setState({ toasts: [], sidebarCollapsed: false });
  localStorage.clear();
});
