/** Thrown when a unique constraint is violated (e.g. a user with that email exists). */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
}
