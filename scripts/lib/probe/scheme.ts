// Which signing scheme the receiver verifies: the scheme whose correctly signed signal is
// accepted while its forged twin (the same signal under a key an attacker might hold,
// processors/lib/signing.ts forgedKey) is rejected. An unsigned signal goes first: a receiver
// that accepts one verifies nothing, and no scheme can be told from another.
import {
  forgedKey,
  SIGNING_SCHEMES,
  type SigningScheme,
  secretProblem,
  signingKey,
} from '../../../processors/lib/signing.ts';
import { is2xx, is4xx, sleep } from './exchange.ts';
import { type Finding, finding } from './finding.ts';
import { deliverPatiently, freshSignal, type ProbeContext } from './sending.ts';

/** Between two signals to the one webhook: well under the guide's 10 per second. */
export const PACE_MS = 150;

export interface SchemeResult {
  finding: Finding;
  /** The scheme to sign the rest of the probe with; undefined when none was accepted. */
  scheme: SigningScheme | undefined;
  /** The content type of an acceptance, for the replay and counter steps. */
  acceptance: Finding | undefined;
}

export async function probeScheme(ctx: ProbeContext): Promise<SchemeResult> {
  const mark = ctx.exchanges.all.length;
  const unsigned = await deliverPatiently(ctx, 'unsigned signal', freshSignal(ctx, 'plain', undefined));
  if (is2xx(unsigned)) {
    return {
      scheme: 'plain',
      acceptance: undefined,
      finding: finding({
        property: 'signing scheme',
        value: 'none: an unsigned signal was accepted',
        confidence: 'undetermined',
        because: 'a receiver that accepts unsigned signals verifies nothing: fix it, hostile will fail',
        evidence: ctx.exchanges.since(mark),
      }),
    };
  }
  const confirmed: SigningScheme[] = [];
  const acceptedOnly: SigningScheme[] = [];
  let contentType = '';
  for (const scheme of SIGNING_SCHEMES) {
    if (secretProblem(scheme, ctx.webhook.secret) !== undefined) continue;
    await sleep(PACE_MS);
    const key = signingKey(scheme, ctx.webhook.secret);
    const signed = await deliverPatiently(ctx, `${scheme}-signed signal`, freshSignal(ctx, scheme, key));
    if (!is2xx(signed)) continue;
    contentType ||= signed.contentType;
    await sleep(PACE_MS);
    const forged = await deliverPatiently(ctx, `${scheme} forged twin`, freshSignal(ctx, scheme, forgedKey(key)));
    (is4xx(forged) ? confirmed : acceptedOnly).push(scheme);
  }
  const evidence = ctx.exchanges.since(mark);
  const acceptance = contentType
    ? finding({
        property: 'content type of an acceptance',
        value: contentType,
        confidence: 'sure',
        because: 'the answer to a correctly signed signal',
      })
    : undefined;
  const [scheme] = confirmed;
  if (scheme !== undefined && confirmed.length === 1) {
    return {
      scheme,
      acceptance,
      finding: finding({
        property: 'signing scheme',
        value: scheme,
        confidence: 'sure',
        settings: { SIGNING_SCHEME: scheme },
        because: `its signed signal was accepted and its forged twin rejected; ${acceptedOnly.length ? `${acceptedOnly.join(', ')} accepted forgeries too` : 'every other scheme was rejected'}`,
        evidence,
      }),
    };
  }
  if (confirmed.length > 1 && scheme !== undefined) {
    return {
      scheme,
      acceptance,
      finding: finding({
        property: 'signing scheme',
        value: `${confirmed.join(' or ')}`,
        confidence: 'likely',
        settings: { SIGNING_SCHEME: scheme },
        because: `each of ${confirmed.join(', ')} was accepted signed and rejected forged; the first is written, check which your server verifies`,
        evidence,
      }),
    };
  }
  return {
    scheme: acceptedOnly[0],
    acceptance,
    finding: finding({
      property: 'signing scheme',
      value: 'undetermined',
      confidence: 'undetermined',
      because: acceptedOnly.length
        ? `${acceptedOnly.join(', ')} accepted its forged twin too: the server does not verify the signature it was sent`
        : 'no scheme was accepted: check SIGNATURE_HEADER (plain), WEBHOOK_PATH, SIGNAL_CONTENT_TYPE, and that the secret is the signing secret',
      evidence,
    }),
  };
}
