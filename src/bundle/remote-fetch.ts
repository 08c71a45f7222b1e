/**
 * One remote module's bytes over HTTP(S), with Node's fetch: redirects followed by hand (each hop
 * must pass the same URL check as an import, so https cannot be redirected to http elsewhere),
 * at most MAX_REDIRECTS of them, and one deadline for the whole exchange, body included.
 * Certificates are checked against Node's roots plus NODE_EXTRA_CA_CERTS.
 */
import { packageVersion } from '../package-root.js';
import { refusedUrl } from './remote-url.js';

export const MAX_REDIRECTS = 10;
export const FETCH_TIMEOUT_MS = 30_000;

export type Fetched = { readonly kind: 'fetched'; readonly bytes: Buffer } | { readonly kind: 'failed'; readonly reason: string };

export async function fetchModule(url: string, timeoutMs = FETCH_TIMEOUT_MS): Promise<Fetched> {
  const signal = AbortSignal.timeout(timeoutMs);
  let current = url;
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await fetch(current, { redirect: 'manual', signal, headers: { 'user-agent': `wsk/${packageVersion()}` } });
      const location = response.headers.get('location');
      if (isRedirect(response.status) && location !== null) {
        await response.body?.cancel();
        current = new URL(location, current).href;
        if (redirects === MAX_REDIRECTS) return failed(`more than ${MAX_REDIRECTS} redirects (the last to ${current})`);
        const refused = refusedUrl(current);
        if (refused !== undefined) return failed(`redirected to ${current}, which wsk does not fetch: ${refused}`);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        const where = current === url ? '' : ` from ${current}`;
        return failed(`HTTP ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}${where}`);
      }
      return { kind: 'fetched', bytes: Buffer.from(await response.arrayBuffer()) };
    }
  } catch (error) {
    return failed(networkFailure(error, timeoutMs));
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function failed(reason: string): Fetched {
  return { kind: 'failed', reason };
}

/** fetch's "fetch failed" says nothing; the cause says what happened (DNS, refused, a certificate). */
function networkFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no complete answer within ${timeoutMs / 1000}s`;
  const cause = error instanceof Error ? error.cause : undefined;
  const detail = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `DNS lookup failed (${detail})`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `${detail} (a private CA's certificate can be added with NODE_EXTRA_CA_CERTS)`;
  return detail;
}
