import {
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
  type UseQueryResult,
} from '@tanstack/react-query';

import {
  changePassword,
  createApiToken,
  createUser,
  deleteUser,
  fetchApiTokens,
  fetchAuthStatus,
  fetchUsers,
  login,
  logout,
  revokeApiToken,
  updateUser,
  type AuthStatus,
  type AuthUser,
  type NewApiToken,
  type NewUser,
  type UserUpdate,
} from '@/services/auth.service';
import { useAuthStore } from '@/store/authStore';

export const authKeys = {
  all: ['auth'] as const,
  status: ['auth', 'status'] as const,
  tokens: ['auth', 'tokens'] as const,
  users: ['auth', 'users'] as const,
};

/**
 * Remembered per browser: this server required a sign-in last time. Until the status answers, the
 * app then waits instead of rendering pages whose requests would all be refused.
 */
const AUTH_REQUIRED_HINT_KEY = 'crackdet-auth-required';

export function authWasRequired(): boolean {
  return localStorage.getItem(AUTH_REQUIRED_HINT_KEY) === '1';
}

function rememberAuthRequired(required: boolean): void {
  if (required) localStorage.setItem(AUTH_REQUIRED_HINT_KEY, '1');
  else localStorage.removeItem(AUTH_REQUIRED_HINT_KEY);
}

/** Whether access control is on and who is signed in; public, so it never answers 401. */
export function useAuthStatus(): UseQueryResult<AuthStatus> {
  return useQuery({
    queryKey: authKeys.status,
    queryFn: async ({ signal }) => {
      const status = await fetchAuthStatus(signal);
      rememberAuthRequired(status.auth_enabled);
      return status;
    },
    staleTime: 30_000,
  });
}

export interface Session {
  /** False while unknown, when access control is off, or when the status could not be read. */
  authEnabled: boolean;
  user: AuthUser | null;
  /** May change users and server settings (everyone may when access control is off). */
  canAdminister: boolean;
  /** May create, change or delete anything (false only for viewers). */
  canWrite: boolean;
}

export function sessionOf(status: AuthStatus | undefined): Session {
  if (status?.auth_enabled !== true) {
    return { authEnabled: false, user: null, canAdminister: true, canWrite: true };
  }
  const { user } = status;
  return {
    authEnabled: true,
    user,
    canAdminister: user?.role === 'admin',
    canWrite: user !== null && user.role !== 'viewer',
  };
}

export function useSession(): Session {
  return sessionOf(useAuthStatus().data);
}

/** Drops every cached answer of the previous session and records the new one. */
function startSession(queryClient: QueryClient, user: AuthUser | null): void {
  // A status request sent before this change would answer for the old session.
  void queryClient.cancelQueries({ queryKey: authKeys.status });
  queryClient.setQueryData<AuthStatus>(authKeys.status, { auth_enabled: true, user });
  queryClient.removeQueries({
    predicate: (query) => query.queryKey[0] !== 'auth' || query.queryKey[1] !== 'status',
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ username, password }: { username: string; password: string }) =>
      login(username, password),
    onSuccess: ({ user }) => {
      startSession(queryClient, user);
      useAuthStore.getState().clearSessionExpired();
    },
  });
}

/** Signs out; the session counts as gone even when the server already forgot it (401). */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      startSession(queryClient, null);
    },
  });
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ current, next }: { current: string; next: string }) =>
      changePassword(current, next),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: authKeys.status }),
  });
}

export function useUsers(enabled = true) {
  return useQuery({
    queryKey: authKeys.users,
    queryFn: ({ signal }) => fetchUsers(signal),
    enabled,
  });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: NewUser) => createUser(request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: authKeys.users }),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, update }: { id: string; update: UserUpdate }) => updateUser(id, update),
    onSuccess: async (user) => {
      await queryClient.invalidateQueries({ queryKey: authKeys.users });
      // Changing one's own role changes what this session may do.
      const current = queryClient.getQueryData<AuthStatus>(authKeys.status);
      if (current?.user?.id === user.id) {
        await queryClient.invalidateQueries({ queryKey: authKeys.status });
      }
    },
  });
}

export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteUser(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: authKeys.users }),
  });
}

export function useApiTokens(enabled = true) {
  return useQuery({
    queryKey: authKeys.tokens,
    queryFn: ({ signal }) => fetchApiTokens(signal),
    enabled,
  });
}

export function useCreateApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: NewApiToken) => createApiToken(request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: authKeys.tokens }),
  });
}

export function useRevokeApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => revokeApiToken(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: authKeys.tokens }),
  });
}
