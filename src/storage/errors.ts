export { ConflictError, CorruptEntityError, NotFoundError, StorageUnavailableError } from '../tencs/errors.js';

/** The HTTP status of an Azure SDK RestError, if the error is one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
