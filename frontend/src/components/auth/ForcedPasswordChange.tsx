import { Button } from '@/components/common/Button';
import { useLogout } from '@/hooks/useAuth';
import type { AuthUser } from '@/services/auth.service';

import { AuthScreen } from './AuthScreen';
import { ChangePasswordForm } from './ChangePasswordForm';

/**
 * Shown instead of the app while the account still has a one-time password (the first admin
 * created at start-up): the server refuses everything else until it is changed.
 */
export function ForcedPasswordChange({ user }: { user: AuthUser }) {
  const logout = useLogout();
  return (
    <AuthScreen
      testId="page-change-password"
      title="Choose your own password"
      description={
        <>
          <strong className="font-medium text-slate-700">{user.username}</strong> signed in with a
          one-time password. Replace it to continue.
        </>
      }
    >
      {/* Once changed, the refreshed auth status lets the app through: nothing else to do. */}
      <ChangePasswordForm onDone={() => undefined} />
      <Button
        variant="ghost"
        size="sm"
        className="mt-4 w-full"
        disabled={logout.isPending}
        onClick={() => {
          logout.mutate();
        }}
      >
        Sign out instead
      </Button>
    </AuthScreen>
  );
}
