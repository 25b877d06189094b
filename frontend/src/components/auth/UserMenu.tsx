import { ChevronDown, KeyRound, LogOut, SquareTerminal, UserRound, Users } from 'lucide-react';
import { useCallback, useRef, useState } from 'react';
import { Link } from 'react-router-dom';

import { Modal } from '@/components/common/Modal';
import { useLogout, useSession } from '@/hooks/useAuth';
import { useDismissOnOutside } from '@/hooks/useDismissOnOutside';
import { showToast } from '@/store/uiStore';
import { cn } from '@/utils/cn';

import { ChangePasswordForm } from './ChangePasswordForm';
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from './format';

const ITEM_CLASSES =
  'flex w-full items-center gap-2 px-4 py-2 text-left text-sm text-slate-700 hover:bg-slate-50';

/** The signed-in account in the header: role, password, API tokens, users (admins), sign out. */
export function UserMenu() {
  const { authEnabled, user, canAdminister } = useSession();
  const logout = useLogout();
  const [open, setOpen] = useState(false);
  const closeMenu = useCallback(() => {
    setOpen(false);
  }, []);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useDismissOnOutside(open, closeMenu, menuRef, buttonRef);

  if (!authEnabled || user === null) return null;
  const close = () => {
    setOpen(false);
  };
  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        data-testid="user-menu"
        onClick={() => {
          setOpen((value) => !value);
        }}
        aria-expanded={open}
        aria-haspopup="menu"
        aria-label={`Account: ${user.username} (${ROLE_LABELS[user.role]})`}
        className="inline-flex items-center gap-2 rounded-md px-2 py-1 text-sm text-slate-700 hover:bg-slate-100"
      >
        <UserRound className="size-5 text-slate-500" aria-hidden="true" />
        <span className="max-w-32 truncate font-medium">{user.username}</span>
        {user.role !== 'user' && (
          <span
            className={cn(
              'rounded px-1.5 py-0.5 text-[10px] font-semibold uppercase',
              user.role === 'admin' ? 'bg-sky-100 text-sky-800' : 'bg-amber-100 text-amber-800',
            )}
          >
            {user.role === 'viewer' ? 'Read only' : ROLE_LABELS[user.role]}
          </span>
        )}
        <ChevronDown className="size-4 text-slate-400" aria-hidden="true" />
      </button>
      {open && (
        <div
          ref={menuRef}
          role="menu"
          aria-label="Account"
          className="absolute right-0 z-40 mt-2 w-64 overflow-hidden rounded-xl border border-slate-200 bg-white py-1 shadow-xl"
        >
          <div className="border-b border-slate-100 px-4 py-2.5 text-sm">
            <p className="font-medium text-slate-900">{user.username}</p>
            <p className="text-xs text-slate-500">
              {ROLE_LABELS[user.role]}: {ROLE_DESCRIPTIONS[user.role]}
            </p>
          </div>
          <button
            type="button"
            role="menuitem"
            className={ITEM_CLASSES}
            onClick={() => {
              close();
              setPasswordOpen(true);
            }}
          >
            <KeyRound className="size-4 text-slate-400" aria-hidden="true" />
            Change password
          </button>
          <Link to="/settings#api-tokens" role="menuitem" className={ITEM_CLASSES} onClick={close}>
            <SquareTerminal className="size-4 text-slate-400" aria-hidden="true" />
            API tokens
          </Link>
          {canAdminister && (
            <Link to="/settings#users" role="menuitem" className={ITEM_CLASSES} onClick={close}>
              <Users className="size-4 text-slate-400" aria-hidden="true" />
              Users
            </Link>
          )}
          <button
            type="button"
            role="menuitem"
            className={cn(ITEM_CLASSES, 'border-t border-slate-100')}
            disabled={logout.isPending}
            onClick={() => {
              close();
              logout.mutate(undefined, {
                onError: () => {
                  showToast({
                    variant: 'warning',
                    title: 'Signed out here',
                    description:
                      'The server could not confirm it; the session ends when it expires.',
                  });
                },
              });
            }}
          >
            <LogOut className="size-4 text-slate-400" aria-hidden="true" />
            Sign out
          </button>
        </div>
      )}
      <Modal
        open={passwordOpen}
        onOpenChange={setPasswordOpen}
        title="Change password"
        description="Your other browsers are signed out; this one stays signed in."
      >
        <ChangePasswordForm
          onCancel={() => {
            setPasswordOpen(false);
          }}
          onDone={() => {
            setPasswordOpen(false);
            showToast({ variant: 'success', title: 'Password changed' });
          }}
        />
      </Modal>
    </div>
  );
}
