import { UserPlus } from 'lucide-react';
import { useState, type SubmitEvent } from 'react';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { FormField, INPUT_CLASSES } from '@/components/common/FormField';
import { InlineConfirm } from '@/components/common/InlineConfirm';
import { Loader } from '@/components/common/Loader';
import { Modal } from '@/components/common/Modal';
import { Table, type Column } from '@/components/common/Table';
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

type UpdateUser = ReturnType<typeof useUpdateUser>;
type DeleteUser = ReturnType<typeof useDeleteUser>;

/** What a row's controls share: the panel's mutations and where their errors go. */
interface UserActionsContext {
  update: UpdateUser;
  remove: DeleteUser;
  selfId: string | undefined;
  onError: (message: string | null) => void;
  onSetPassword: (user: AuthUser) => void;
}

function busyWith(user: AuthUser, { update, remove }: UserActionsContext): boolean {
  return (
    (update.isPending && update.variables.id === user.id) ||
    (remove.isPending && remove.variables === user.id)
  );
}

function reportTo(context: UserActionsContext) {
  return {
    onError: (error: unknown) => {
      context.onError(messageOf(error));
    },
  };
}

function UserStatus({ user }: { user: AuthUser }) {
  return (
    <>
      {user.disabled ? (
        <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-700">Disabled</span>
      ) : (
        <span className="rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-800">
          Active
        </span>
      )}
      {user.must_change_password && (
        <span className="ml-1 text-xs text-slate-500">(must change password)</span>
      )}
    </>
  );
}

function UserActions({ user, context }: { user: AuthUser; context: UserActionsContext }) {
  const [confirmDelete, setConfirmDelete] = useState(false);
  const { update, remove, onError } = context;
  const busy = busyWith(user, context);
  const isSelf = user.id === context.selfId;
  const selfHint = isSelf ? 'You cannot do this to your own account.' : undefined;
  if (confirmDelete) {
    return (
      <InlineConfirm
        label="Delete"
        message={`Delete ${user.username}?`}
        pending={busy}
        onConfirm={() => {
          onError(null);
          remove.mutate(user.id, {
            ...reportTo(context),
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
    );
  }
  return (
    <span className="inline-flex items-center gap-1">
      <Button
        size="sm"
        variant="ghost"
        disabled={busy}
        onClick={() => {
          context.onSetPassword(user);
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
          update.mutate({ id: user.id, update: { disabled: !user.disabled } }, reportTo(context));
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
  );
}

function userColumns(context: UserActionsContext): Column<AuthUser>[] {
  return [
    {
      key: 'username',
      header: 'Username',
      className: 'font-medium text-slate-900',
      cell: (user) => (
        <>
          {user.username}
          {user.id === context.selfId && (
            <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span>
          )}
        </>
      ),
    },
    {
      key: 'role',
      header: 'Role',
      cell: (user) => (
        <RoleSelect
          label={`Role of ${user.username}`}
          value={user.role}
          disabled={busyWith(user, context)}
          onChange={(role) => {
            context.onError(null);
            context.update.mutate({ id: user.id, update: { role } }, reportTo(context));
          }}
        />
      ),
    },
    { key: 'status', header: 'Status', cell: (user) => <UserStatus user={user} /> },
    {
      key: 'last_login',
      header: 'Last sign-in',
      className: 'text-slate-600',
      cell: (user) => formatTimestamp(user.last_login_at),
    },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      align: 'right',
      className: 'whitespace-nowrap',
      cell: (user) => <UserActions user={user} context={context} />,
    },
  ];
}

/** Settings > Users: the admin's list of accounts with create, role, disable, password, delete. */
export function UsersPanel() {
  const session = useSession();
  const allowed = session.authEnabled && session.canAdminister;
  const users = useUsers(allowed);
  const [adding, setAdding] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [passwordFor, setPasswordFor] = useState<AuthUser | null>(null);
  const update = useUpdateUser();
  const remove = useDeleteUser();

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
        <Table
          label="Accounts"
          columns={userColumns({
            update,
            remove,
            selfId: session.user?.id,
            onError: setActionError,
            onSetPassword: setPasswordFor,
          })}
          rows={users.data}
          rowKey={(user) => user.id}
          rowProps={(user) => ({ 'data-testid': `user-row-${user.username}` })}
        />
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
