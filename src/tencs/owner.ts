/** The practitioner an assessment belongs to: their Entra object id within their tenant. */
export interface Owner {
  readonly tenantId: string;
  readonly aadObjectId: string;
}

/**
 * The PartitionKey for everything one practitioner owns. Each part is URI-encoded, so the key never
 * holds the characters Table Storage forbids (/ \ # ? and control characters), ":" only ever
 * separates the two parts, and a quote cannot end an OData string early.
 */
export function ownerKey(owner: Owner): string {
  if (!owner.tenantId || !owner.aadObjectId) throw new Error('An owner needs both a tenant id and an object id');
  return `${encodePart(owner.tenantId)}:${encodePart(owner.aadObjectId)}`;
}

function encodePart(part: string): string {
  return encodeURIComponent(part).replace(/'/g, '%27');
}

/** The tenant part of an owner's partition key (the inverse of ownerKey's first half). */
export function tenantOfOwnerKey(key: string): string {
  return decodeURIComponent(key.slice(0, key.indexOf(':')));
}

/** The owner an owner's partition key stands for (the inverse of ownerKey). */
export function ownerOfKey(key: string): Owner {
  const i = key.indexOf(':');
  return { tenantId: decodeURIComponent(key.slice(0, i)), aadObjectId: decodeURIComponent(key.slice(i + 1)) };
}
