/**
 * The console's one door to its server: JSON over same-origin fetch, the session travelling in
 * its HttpOnly cookie (the page never sees it). An error answer becomes an {@link ApiError} with
 * the server's sentence, which names the problem and the fix.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function answer<T>(response: Response): Promise<T> {
  const isJson = response.headers.get('content-type')?.startsWith('application/json');
  const body: unknown = isJson ? await response.json() : undefined;
  if (response.ok) return body as T;
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  throw new ApiError(
    response.status,
    error?.code ?? 'http_error',
    error?.message ?? `the server answered ${response.status}`,
  );
}

/** The address of an API route with its query (empty values left out). */
export function apiUrl(route: string, query: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) search.set(name, value);
  const text = search.toString();
  return `./api/${route}${text ? `?${text}` : ''}`;
}

export async function getJson<T>(
  route: string,
  query: Record<string, string | undefined> = {},
): Promise<T> {
  return answer<T>(await fetch(apiUrl(route, query), { credentials: 'same-origin' }));
}

export async function postJson<T>(route: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(apiUrl(route), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}
