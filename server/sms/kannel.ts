// The Kannel adapter: smsbox's `sms-service` calls GET /api/sms/kannel for every inbound SMS, and
// the answer's body is the reply it sends back. All Kannel knows of Amina is here; what a message
// means and what to answer is smsService.ts, the same for any gateway. docs/sms.md has the kannel.conf.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { ApiError, invalidBody } from '../http/apiError.ts';
import { handleSms, type SmsDeps } from './smsService.ts';

/**
 * The query smsbox sends, from the `get-url` escapes: `from=%p&text=%a&id=%I` (and optionally
 * `to=%P`, `coding=%c`), plus the gateway's shared secret. Unknown parameters are ignored: a
 * kannel.conf may pass more than Amina reads.
 */
export const KannelQuery = z.object({
  secret: z.string().max(500).optional().meta({ param: { description: 'SMS_GATEWAY_SECRET, on every call.' } }),
  from: z.string().min(1).max(40).meta({ param: { description: "`%p`: the sender's number." } }),
  text: z.string().max(2000).meta({ param: { description: '`%a`: the message, UTF-8 (set `mo-recode = true` in the smsbox group).' } }),
  id: z.string().min(1).max(200).meta({ param: { description: "`%I`: Kannel's id of the message, the same on every retry." } }),
  to: z.string().max(40).optional().meta({ param: { description: '`%P`: the number the message was sent to (not used).' } }),
  coding: z.string().max(10).optional().meta({ param: { description: '`%c`: the coding of the message (not used: mo-recode gives UTF-8).' } }),
});

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The gateway's secret, compared in constant time; nothing matches when none is set. */
function gatewayAuthenticated(req: Request, secret: string | undefined): boolean {
  const sent = typeof req.query.secret === 'string' ? req.query.secret : req.get('x-amina-gateway-secret');
  return secret !== undefined && sent !== undefined && timingSafeEqual(digest(sent), digest(secret));
}

export function kannelRoutes(deps: SmsDeps & { gatewaySecret: string | undefined }): Router {
  const router = Router();
  router.get('/sms/kannel', async (req, res) => {
    if (!gatewayAuthenticated(req, deps.gatewaySecret)) {
      throw new ApiError(401, 'unauthorized', 'The SMS gateway must send SMS_GATEWAY_SECRET as `secret`.');
    }
    const query = KannelQuery.safeParse(req.query);
    if (!query.success) throw invalidBody(query.error, 'query');
    const { from, text, id } = query.data;
    const answer = await handleSms(
      { gateway: 'kannel', messageId: id, sender: from, text, requestId: String(res.getHeader('x-request-id') ?? '') },
      deps,
    );
    // Kannel sends the body as the reply; Arabic and Kurdish need UCS-2, or they arrive as "??".
    res
      .status(200)
      .set('X-Kannel-Coding', answer.encoding === 'ucs2' ? '2' : '0')
      .set('Cache-Control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send(answer.text);
  });
  return router;
}
