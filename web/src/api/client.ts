import type { ApiErrorBody } from './types';

/** An error answered by the server, with its stable code and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody['error'],
  ) {
    super(body.message);
  }
}

const TOKEN_KEY = 'basis.apiToken';

export function apiToken(): string | null {
  return window.localStorage.getItem(TOKEN_KEY);
}

export function setApiToken(token: string | null): void {
  if (token === null || token === '') window.localStorage.removeItem(TOKEN_KEY);
  else window.localStorage.setItem(TOKEN_KEY, token);
}

/** Resolved against the page, so the app works under any mount path. */
export function apiUrl(path: string): string {
  return new URL(`api/v1/${path.replace(/^\//, '')}`, new URL('.', window.location.href)).toString();
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const token = apiToken();
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(apiUrl(path), {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json: unknown = text.length > 0 ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const err = (json as ApiErrorBody | undefined)?.error ?? { code: 'API-009', message: `${res.status} ${res.statusText}`, problems: [], requestId: '' };
    throw new ApiError(res.status, err);
  }
  return json as T;
}
