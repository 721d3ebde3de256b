import { z } from 'zod';

/** Any value that is not the expected shape reads as absent, so a malformed field never stops a turn. */
const loose = <T extends z.ZodTypeAny>(schema: T) => schema.optional().catch(undefined);

const Text = (max: number) => loose(z.string().max(max));
const Account = loose(z.object({ id: Text(256), aadObjectId: Text(256), name: Text(512) }));
const Members = loose(
  z.array(
    z
      .object({ id: Text(256) })
      .passthrough()
      .catch({ id: undefined }),
  ),
);
/** Every attachment is kept (an odd one must still be refused, never dropped): the body size bounds the list. */
const Attachment = z.unknown().transform((x) => {
  const o = x !== null && typeof x === 'object' ? (x as Record<string, unknown>) : {};
  return { contentType: typeof o.contentType === 'string' ? o.contentType : undefined, content: o.content };
});

/**
 * The parts of an incoming activity the interactions read, with no SDK type: any host (teams-ai today)
 * hands its activity through this schema before facts() reads it.
 */
export const ActivityShape = z.object({
  type: z.string().max(64).catch(''),
  id: Text(256),
  name: Text(256),
  action: Text(64),
  // No length limit here: the request body is already bounded, and a long text must still read as text.
  text: loose(z.string()),
  value: z.unknown(),
  timestamp: loose(z.union([z.string().max(64), z.date()])),
  locale: Text(64),
  serviceUrl: Text(2048),
  from: Account,
  recipient: Account,
  conversation: loose(z.object({ id: Text(1024), conversationType: Text(64), isGroup: loose(z.boolean()), tenantId: Text(256) })),
  channelData: loose(
    z.object({
      tenant: loose(z.object({ id: Text(256) })),
      team: z.unknown(),
      channel: loose(z.object({ id: Text(1024) })),
      eventType: Text(64),
    }),
  ),
  membersAdded: Members,
  membersRemoved: Members,
  attachments: loose(z.array(Attachment)),
});
export type Activity = z.infer<typeof ActivityShape>;

/** The activity shape of whatever a host passes; never throws. */
export function activityOf(raw: unknown): Activity {
  const parsed = ActivityShape.safeParse(raw ?? {});
  return parsed.success ? parsed.data : { type: '', value: undefined, channelData: undefined };
}
