/**
 * Which responses are followed and how the next request changes, as Go's http.Client (and so k6)
 * decides: 301, 302 and 303 become a GET without a body (a HEAD stays a HEAD), 307 and 308 repeat
 * the method and body. Credentials set by the script only follow to the same host or its subdomains.
 * And the URLs the chain shows: the Referer of each hop, the URL of each hop in the metrics.
 */

/** The method of the request that follows `status`, or '' when the response is not a redirect. */
export function redirectMethod(status: number, method: string): string {
  switch (status) {
    case 301:
    case 302:
    case 303:
      return method === 'HEAD' ? 'HEAD' : 'GET';
    case 307:
    case 308:
      return method;
    default:
      return '';
  }
}

export function redirectKeepsBody(status: number): boolean {
  return status === 307 || status === 308;
}

/** Go's shouldCopyHeaderOnRedirect: the target is the first request's host or one of its subdomains. */
export function sameSite(first: URL, target: URL): boolean {
  const from = first.hostname;
  const to = target.hostname;
  return to === from || (to.endsWith(from) && to.charCodeAt(to.length - from.length - 1) === 0x2e);
}

/** Go's refererForURL: the previous URL without credentials or fragment, and none from https to http. */
export function refererFor(previous: URL, next: URL): string {
  if (previous.protocol === 'https:' && next.protocol === 'http:') return '';
  if (previous.username === '' && previous.password === '' && previous.hash === '') return previous.href;
  const copy = new URL(previous.href);
  copy.username = '';
  copy.password = '';
  copy.hash = '';
  return copy.href;
}

/** k6's URL.Clean(): a hop's URL for the metrics, credentials masked so they never reach a tag or an output. */
export function metricUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  return `${url.protocol}//${url.password === '' ? '****' : '****:****'}@${url.host}${url.pathname}${url.search}${url.hash}`;
}
