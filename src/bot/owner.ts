import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Owner } from '../tencs/owner.js';

const Id = z.string().trim().min(1).max(128);

/**
 * The sender as an owner: their Entra object id within their tenant, lower-cased because Teams does not
 * promise one casing for GUIDs. Undefined when the activity does not say who sent it.
 */
export function ownerOf(context: TurnContext): Owner | undefined {
  const a = context.activity;
  const tenant = Id.safeParse((a.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id ?? a.conversation?.tenantId);
  const user = Id.safeParse(a.from?.aadObjectId);
  if (!tenant.success || !user.success) return undefined;
  return { tenantId: tenant.data.toLowerCase(), aadObjectId: user.data.toLowerCase() };
}
