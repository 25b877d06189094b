import { UserPlus } from 'lucide-react';
import { useState, type SubmitEvent } from 'react';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { FormField, INPUT_CLASSES } from '@/components/common/FormField';
import { InlineConfirm } from '@/components/common/InlineConfirm';
import { Loader } from '@/components/common/Loader';
import { Modal } from '@/components/common/Modal';
import { useCreateUser, useDeleteUser, useSession, useUpdateUser, useUsers } from '@/hooks/useAuth';
import {
  passwordProblem,
  usernameProblem,
  type AuthUser,
  type UserRole,
} from '@/services/auth.service';
import { ApiError, errorMessage } from '@/services/errors';
import { showToast } from '@/store/uiStore';
import { cn } from '@/utils/cn';

import { AccessControlOffNote } from './AccessControlOffNote';
import { formatTimestamp, ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES } from './format';
import { PasswordField } from './PasswordField';

function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = Object.values(error.fieldErrors);
    return fields.length > 0 ? fields.join(' ') : error.detail;
  }
  return errorMessage(error);
}

function RoleSelect({
  value,
  onChange,
  disabled,
  label,
}: {
  value: UserRole;
  onChange: (role: UserRole) => void;
  disabled?: boolean;
  label: string;
}) {
  return (
    <select
      aria-label={label}
      className={cn(INPUT_CLASSES, 'w-auto py-1')}
      value={value}
      disabled={disabled}
      onChange={(event) => {
        onChange(event.target.value as UserRole);
      }}
    >
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {ROLE_LABELS[role]}
        </option>
      ))}
    </select>
  );
}

interface NewUserErrors {
  username?: string;
  password?: string;
}

function AddUserForm({ onDone }: { onDone: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<UserRole>('user');
  const [errors, setErrors] = useState<NewUserErrors>({});
  const create = useCreateUser();

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found: NewUserErrors = {};
    const nameProblem = usernameProblem(username.trim());
    if (nameProblem !== null) found.username = nameProblem;
    const secretProblem = passwordProblem(password);
    if (secretProblem !== null) found.password = secretProblem;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    create.mutate(
      { username: username.trim(), password, role },
      {
        onSuccess: (user) => {
          showToast({ variant: 'success', title: `Account ${user.username} created` });
          onDone();
        },
      },
    );
  };

  return (
    <form
      aria-label="New account"
      noValidate
      onSubmit={onSubmit}
      className="mb-4 space-y-3 rounded-lg border border-slate-200 bg-slate-50 p-4"
    >
      <div className="grid gap-3 sm:grid-cols-3">
        <FormField label="Username" error={errors.username}>
          {(control) => (
            <input
              {...control}
              autoComplete="off"
              maxLength={64}
              value={username}
              onChange={(event) => {
                setUsername(event.target.value);
              }}
            />
          )}
        </FormField>
        <PasswordField
          label="Initial password"
          error={errors.password}
          hint="At least 10 characters; give it to the person."
          value={password}
          onChange={setPassword}
        />
        <FormField label="Role" hint={ROLE_DESCRIPTIONS[role]}>
          {(control) => (
            <select
              {...control}
              value={role}
              onChange={(event) => {
                setRole(event.target.value as UserRole);
              }}
            >
              {ROLES.map((option) => (
                <option key={option} value={option}>
                  {ROLE_LABELS[option]}
                </option>
              ))}
            </select>
          )}
        </FormField>
      </div>
      {create.isError && (
        <Callout tone="error" title="The account was not created">
          {messageOf(create.error)}
        </Callout>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create account'}
        </Button>
      </div>
    </form>
  );
}

function SetPasswordDialog({ user, onClose }: { user: AuthUser; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const update = useUpdateUser();
  return (
    <Modal
      open
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={`New password for ${user.username}`}
      description="Their browsers are signed out; tell them the new password."
    >
      <form
        noValidate
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          const found = passwordProblem(password);
          setProblem(found ?? undefined);
          if (found !== null) return;
          update.mutate(
            { id: user.id, update: { password } },
            {
              onSuccess: () => {
                showToast({ variant: 'success', title: `Password of ${user.username} set` });
                onClose();
              },
            },
          );
        }}
      >
        <PasswordField
          label="New password"
          error={problem}
          hint="At least 10 characters."
          value={password}
          onChange={setPassword}
        />
        {update.isError && <Callout tone="error">{messageOf(update.error)}</Callout>}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={update.isPending}>
            Set password
          </Button>
        </div>
      </form>
    </Modal>
  );
}

function UserRow({
  user,
  isSelf,
  onError,
  onSetPassword,
}: {
  user: AuthUser;
  isSelf: boolean;
  onError: (message: string | null) => void;
  onSetPassword: (user: AuthUser) => void;
}) {
  const update = useUpdateUser();
  const remove = useDeleteUser();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const busy = update.isPending || remove.isPending;
  const report = {
    onError: (error: unknown) => {
      onError(messageOf(error));
    },
  };
  const selfHint = isSelf ? 'You cannot do this to your own account.' : undefined;

  return (
    <tr data-testid={`user-row-${user.username}`}>
      <td className="py-2.5 pr-3 font-medium text-slate-900">
        {user.username}
        {isSelf && <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span>}
      </td>
      <td className="py-2.5 pr-3">
        <RoleSelect
          label={`Role of ${user.username}`}
          value={user.role}
          disabled={busy}
          onChange={(role) => {
            onError(null);
            update.mutate({ id: user.id, update: { role } }, report);
          }}
        />
      </td>
      <td className="py-2.5 pr-3">
        {user.disabled ? (
          <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-700">
            Disabled
          </span>
        ) : (
          <span className="rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-800">
            Active
          </span>
        )}
        {user.must_change_password && (
          <span className="ml-1 text-xs text-slate-500">(must change password)</span>
        )}
      </td>
      <td className="py-2.5 pr-3 text-slate-600">{formatTimestamp(user.last_login_at)}</td>
      <td className="py-2.5 text-right whitespace-nowrap">
        {confirmDelete ? (
          <InlineConfirm
            label="Delete"
            message={`Delete ${user.username}?`}
            pending={busy}
            onConfirm={() => {
              onError(null);
              remove.mutate(user.id, {
                ...report,
                onSuccess: () => {
                  showToast({ variant: 'success', title: `Account ${user.username} deleted` });
                },
                onSettled: () => {
                  setConfirmDelete(false);
                },
              });
            }}
            onCancel={() => {
              setConfirmDelete(false);
            }}
          />
        ) : (
          <span className="inline-flex items-center gap-1">
            <Button
              size="sm"
              variant="ghost"
              disabled={busy}
              onClick={() => {
                onSetPassword(user);
              }}
            >
              Set password
            </Button>
            <Button
              size="sm"
              variant="ghost"
              disabled={busy || isSelf}
              title={selfHint}
              onClick={() => {
                onError(null);
                update.mutate({ id: user.id, update: { disabled: !user.disabled } }, report);
              }}
            >
              {user.disabled ? 'Enable' : 'Disable'}
            </Button>
            <Button
              size="sm"
              variant="dangerGhost"
              disabled={busy || isSelf}
              title={selfHint}
              aria-label={`Delete ${user.username}`}
              onClick={() => {
                setConfirmDelete(true);
              }}
            >
              Delete
            </Button>
          </span>
        )}
      </td>
    </tr>
  );
}

/** Settings > Users: the admin's list of accounts with create, role, disable, password, delete. */
export function UsersPanel() {
  const session = useSession();
  const allowed = session.authEnabled && session.canAdminister;
  const users = useUsers(allowed);
  const [adding, setAdding] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [passwordFor, setPasswordFor] = useState<AuthUser | null>(null);

  if (!session.authEnabled) return <AccessControlOffNote subject="accounts" />;
  if (!session.canAdminister) {
    return (
      <p className="text-sm text-slate-600" data-testid="users-admin-only">
        Only admins manage accounts. Ask one if you need an account for someone or another role.
      </p>
    );
  }
  return (
    <div data-testid="users-panel">
      {!adding && (
        <Button
          size="sm"
          className="mb-4"
          onClick={() => {
            setAdding(true);
          }}
        >
          <UserPlus className="size-4" aria-hidden="true" />
          Add user
        </Button>
      )}
      {adding && (
        <AddUserForm
          onDone={() => {
            setAdding(false);
          }}
        />
      )}
      {actionError !== null && (
        <Callout tone="error" title="The change was refused" className="mb-4">
          {actionError}
        </Callout>
      )}
      {users.isPending && <Loader label="Loading accounts…" />}
      {users.isError && <Callout tone="error">{messageOf(users.error)}</Callout>}
      {users.data && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="text-xs tracking-wide text-slate-500 uppercase">
                <th scope="col" className="pb-2 font-medium">
                  Username
                </th>
                <th scope="col" className="pb-2 font-medium">
                  Role
                </th>
                <th scope="col" className="pb-2 font-medium">
                  Status
                </th>
                <th scope="col" className="pb-2 font-medium">
                  Last sign-in
                </th>
                <th scope="col" className="pb-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {users.data.map((user) => (
                <UserRow
                  key={user.id}
                  user={user}
                  isSelf={user.id === session.user?.id}
                  onError={setActionError}
                  onSetPassword={setPasswordFor}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {passwordFor !== null && (
        <SetPasswordDialog
          user={passwordFor}
          onClose={() => {
            setPasswordFor(null);
          }}
        />
      )}
    </div>
  );
}
