/**
 * An expected failure with a sentence for people: not found, already shipped, out of stock.
 * `field` names the input at fault (e.g. `lines[2].sku`) so the API can point at it.
 */
export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly code: "not_found" | "conflict" | "invalid" | "forbidden",
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return { not_found: 404, conflict: 409, invalid: 422, forbidden: 403 }[this.code];
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
