// The domain's own errors: storage maps its failures to these, and the interactions turn them into kind words.

/** Thrown when an entity is not in the partition asked for: missing, deleted, or someone else's. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/**
 * Thrown when a write loses a race: `exists` when a create finds the key taken (409),
 * `changed` when an update's ETag no longer matches (412).
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    readonly reason: 'exists' | 'changed',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Thrown when Table Storage did not answer usefully (timeout, network, 5xx, throttling):
 * nothing is known to be written, and the practitioner can retry.
 */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Thrown when an entity read back does not match the schema (never expected; a bug or tampering). */
export class CorruptEntityError extends Error {
  override readonly name = 'CorruptEntityError';
}

/**
 * Thrown when a deletion is refused because what it would delete is part of a hand-over that is still
 * under way (offered, or accepted and still moving). Nothing was deleted; the message says why and what
 * to do, in words safe to show.
 */
export class DeletionRefusedError extends Error {
  override readonly name = 'DeletionRefusedError';
}
