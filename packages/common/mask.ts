// The one masking step for text the pack prints that may hold a URL or a server's answer
// (an error naming a URL, a failed check quoting a header, a child's console line): every
// credential the caller knows, in the forms it travels in (as written, URL-encoded,
// JSON-escaped), and whatever a URL carries in its user info or query become [redacted].
// Masking is the second line of defence: the first is not printing such text at all.

export const REDACTED = '[redacted]';

// Masking a value of one to three characters would garble every line and protect nothing a
// guess would not find; such a value is not a credential anyone issues.
const MIN_SECRET_LENGTH = 4;

// A URL as it appears in a line of text (a scheme, ://, then anything up to a blank or a
// quote), or a path from the root with a query (how HTTP clients print a request).
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+|(?<![\w/:.])\/[^\s?"'<>`]*\?[^\s"'<>`]+/gi;

/** The forms a value travels in: as written, in a URL (path, query, form body) and in JSON text. */
function formsOf(value: string): string[] {
  return [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
  ];
}

/** A URL with its user info and every query value replaced; the scheme, host and path stay readable. */
function maskUrl(url: string): string {
  const withoutUserInfo = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, `$1${REDACTED}@`);
  const queryAt = withoutUserInfo.indexOf('?');
  if (queryAt < 0) return withoutUserInfo;
  const hashAt = withoutUserInfo.indexOf('#', queryAt);
  const end = hashAt < 0 ? withoutUserInfo.length : hashAt;
  const query = withoutUserInfo
    .slice(queryAt + 1, end)
    .split('&')
    .map((pair) => {
      if (pair === '') return pair;
      const eq = pair.indexOf('=');
      return eq < 0 ? REDACTED : `${pair.slice(0, eq)}=${REDACTED}`;
    })
    .join('&');
  return `${withoutUserInfo.slice(0, queryAt + 1)}${query}${withoutUserInfo.slice(end)}`;
}

/** `text` with every given secret (in each form it travels in) and every URL's user info and query values masked. */
export function maskSecrets(text: string, secrets: Iterable<string | undefined>): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of formsOf(secret)) forms.add(form);
  }
  // Longest first: a secret that contains another is masked whole, not in pieces.
  let masked = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) masked = masked.split(form).join(REDACTED);
  return masked.replace(URL_IN_TEXT, maskUrl);
}
