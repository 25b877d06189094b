import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';

import { Loader } from '@/components/common/Loader';
import { authWasRequired, sessionOf, useAuthStatus } from '@/hooks/useAuth';
import { useAuthStore } from '@/store/authStore';

import { ForcedPasswordChange } from './ForcedPasswordChange';
import { loginPathFor } from './loginPath';

/**
 * Lets the app through unless the server requires a sign-in that this browser lacks. While the
 * status is unknown (or unreadable) the app renders as it always did, so with access control off
 * nothing changes; only a browser that saw a sign-in required before waits for the answer. Either
 * way the first 401 answer routes to the login page.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const status = useAuthStatus();
  const sessionExpired = useAuthStore((state) => state.sessionExpired);
  const location = useLocation();
  const session = sessionOf(status.data);

  if (status.isPending && authWasRequired()) {
    return (
      <div className="flex h-screen items-center justify-center">
        <Loader label="Checking your session…" />
      </div>
    );
  }

  if (sessionExpired || (session.authEnabled && session.user === null)) {
    return <Navigate to={loginPathFor(location)} replace />;
  }
  if (session.user?.must_change_password === true) {
    return <ForcedPasswordChange user={session.user} />;
  }
  return children;
}
