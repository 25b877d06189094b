import { Check, Copy, KeyRound } from 'lucide-react';
import { useState, type SubmitEvent } from 'react';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { FormField } from '@/components/common/FormField';
import { InlineConfirm } from '@/components/common/InlineConfirm';
import { Loader } from '@/components/common/Loader';
import { Table, type Column } from '@/components/common/Table';
import { useApiTokens, useCreateApiToken, useRevokeApiToken, useSession } from '@/hooks/useAuth';
import {
  TOKEN_NAME_MAX_LENGTH,
  type ApiToken,
  type CreatedApiToken,
} from '@/services/auth.service';
import { ApiError, errorMessage } from '@/services/errors';

import { AccessControlOffNote } from './AccessControlOffNote';
import { formatTimestamp, tokenStateOf, type TokenState } from './format';

const EXPIRY_CHOICES: { label: string; days: number | null }[] = [
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
  { label: '1 year', days: 365 },
  { label: 'Never', days: null },
];
const DEFAULT_EXPIRY_INDEX = 1;

function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    return error.fieldErrors.name ?? error.fieldErrors.expires_in_days ?? error.detail;
  }
  return errorMessage(error);
}

const STATE_CLASSES: Record<TokenState, string> = {
  active: 'bg-emerald-100 text-emerald-800',
  revoked: 'bg-slate-200 text-slate-700',
  expired: 'bg-amber-100 text-amber-800',
};

/** The secret, once: copy it now, it is stored hashed and never shown again. */
function NewTokenSecret({
  created,
  onDismiss,
}: {
  created: CreatedApiToken;
  onDismiss: () => void;
}) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = () => {
    navigator.clipboard.writeText(created.secret).then(
      () => {
        setCopied(true);
      },
      () => {
        setCopied(false);
      },
    );
  };
  return (
    <Callout
      tone="success"
      title={`Token "${created.token.name}" created: copy it now`}
      className="mb-4"
      testId="new-token"
      actions={
        <>
          <Button size="sm" variant="secondary" onClick={copy}>
            {copied === true ? (
              <Check className="size-4" aria-hidden="true" />
            ) : (
              <Copy className="size-4" aria-hidden="true" />
            )}
            {copied === true ? 'Copied' : 'Copy token'}
          </Button>
          <Button size="sm" variant="ghost" onClick={onDismiss}>
            I have saved it
          </Button>
        </>
      }
    >
      <p>It is shown only this once; the server keeps only a hash of it.</p>
      <code
        data-testid="new-token-secret"
        className="mt-2 block rounded bg-white px-2 py-1.5 font-mono text-xs break-all text-slate-900 ring-1 ring-emerald-200 select-all"
      >
        {created.secret}
      </code>
      {copied === false && (
        <p className="mt-1 text-xs">
          The browser refused the clipboard: select the text and copy it.
        </p>
      )}
      <p className="mt-2 text-xs">
        Scripts send it as <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>.
      </p>
    </Callout>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (created: CreatedApiToken) => void }) {
  const [name, setName] = useState('');
  const [expiryIndex, setExpiryIndex] = useState(DEFAULT_EXPIRY_INDEX);
  const [nameError, setNameError] = useState<string | undefined>(undefined);
  const create = useCreateApiToken();

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > TOKEN_NAME_MAX_LENGTH) {
      setNameError(
        `Name the token (1-${TOKEN_NAME_MAX_LENGTH} characters), e.g. "nightly export".`,
      );
      return;
    }
    setNameError(undefined);
    const days = EXPIRY_CHOICES[expiryIndex]?.days ?? null;
    create.mutate(
      { name: trimmed, expires_in_days: days },
      {
        onSuccess: (created) => {
          setName('');
          onCreated(created);
        },
      },
    );
  };

  return (
    <form
      aria-label="New API token"
      noValidate
      onSubmit={onSubmit}
      className="mb-4 flex flex-wrap items-start gap-3"
    >
      <FormField label="Token name" error={nameError} className="min-w-48 flex-1">
        {(control) => (
          <input
            {...control}
            maxLength={TOKEN_NAME_MAX_LENGTH}
            placeholder="e.g. prometheus"
            value={name}
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
        )}
      </FormField>
      <FormField label="Expires after">
        {(control) => (
          <select
            {...control}
            value={expiryIndex}
            onChange={(event) => {
              setExpiryIndex(Number(event.target.value));
            }}
          >
            {EXPIRY_CHOICES.map((choice, index) => (
              <option key={choice.label} value={index}>
                {choice.label}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <Button type="submit" className="mt-6" disabled={create.isPending}>
        <KeyRound className="size-4" aria-hidden="true" />
        {create.isPending ? 'Creating…' : 'Create token'}
      </Button>
      {create.isError && (
        <Callout tone="error" className="w-full">
          {messageOf(create.error)}
        </Callout>
      )}
    </form>
  );
}

function RevokeToken({ token, onError }: { token: ApiToken; onError: (message: string) => void }) {
  const revoke = useRevokeApiToken();
  const [confirming, setConfirming] = useState(false);
  if (tokenStateOf(token) !== 'active') return null;
  if (confirming) {
    return (
      <InlineConfirm
        label="Revoke"
        message="Scripts using it stop working."
        pending={revoke.isPending}
        onConfirm={() => {
          revoke.mutate(token.id, {
            onError: (error) => {
              onError(messageOf(error));
            },
            onSettled: () => {
              setConfirming(false);
            },
          });
        }}
        onCancel={() => {
          setConfirming(false);
        }}
      />
    );
  }
  return (
    <Button
      size="sm"
      variant="dangerGhost"
      aria-label={`Revoke ${token.name}`}
      onClick={() => {
        setConfirming(true);
      }}
    >
      Revoke
    </Button>
  );
}

function tokenColumns(onError: (message: string) => void): Column<ApiToken>[] {
  return [
    { key: 'name', header: 'Name', className: 'font-medium text-slate-900', cell: (t) => t.name },
    {
      key: 'prefix',
      header: 'Starts with',
      className: 'font-mono text-xs text-slate-600',
      cell: (token) => `${token.prefix}…`,
    },
    {
      key: 'created',
      header: 'Created',
      className: 'text-slate-600',
      cell: (token) => formatTimestamp(token.created_at),
    },
    {
      key: 'last_used',
      header: 'Last used',
      className: 'text-slate-600',
      cell: (token) => formatTimestamp(token.last_used_at),
    },
    {
      key: 'expires',
      header: 'Expires',
      className: 'text-slate-600',
      cell: (token) => formatTimestamp(token.expires_at, 'never'),
    },
    {
      key: 'status',
      header: 'Status',
      cell: (token) => {
        const state = tokenStateOf(token);
        return (
          <span className={`rounded px-1.5 py-0.5 text-xs capitalize ${STATE_CLASSES[state]}`}>
            {state}
          </span>
        );
      },
    },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      align: 'right',
      className: 'whitespace-nowrap',
      cell: (token) => <RevokeToken token={token} onError={onError} />,
    },
  ];
}

/** Settings > API tokens: the signed-in person's tokens for scripts (create, copy once, revoke). */
export function ApiTokensPanel() {
  const session = useSession();
  const tokens = useApiTokens(session.authEnabled);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  if (!session.authEnabled) return <AccessControlOffNote subject="API tokens" />;
  return (
    <div data-testid="api-tokens-panel">
      {created !== null && (
        <NewTokenSecret
          created={created}
          onDismiss={() => {
            setCreated(null);
          }}
        />
      )}
      <CreateTokenForm onCreated={setCreated} />
      {revokeError !== null && (
        <Callout tone="error" title="The token was not revoked" className="mb-4">
          {revokeError}
        </Callout>
      )}
      {tokens.isPending && <Loader label="Loading tokens…" />}
      {tokens.isError && <Callout tone="error">{messageOf(tokens.error)}</Callout>}
      {tokens.data !== undefined && (
        <Table
          label="API tokens"
          columns={tokenColumns(setRevokeError)}
          rows={tokens.data}
          rowKey={(token) => token.id}
          rowProps={(token) => ({ 'data-testid': `token-row-${token.id}` })}
          empty={<p className="text-sm text-slate-500">You have no API tokens yet.</p>}
        />
      )}
    </div>
  );
}
