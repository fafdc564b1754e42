/** Typed field readers for JSON response bodies; each failure names the field. */
import { InvalidResponseError } from './errors';

export class FieldReader {
  constructor(
    private readonly body: Record<string, unknown>,
    private readonly what: string,
    private readonly status: number,
  ) {}

  fail(message: string): never {
    throw new InvalidResponseError(`Invalid ${this.what} response: ${message}`, { status: this.status, cause: this.body });
  }

  requiredString(name: string): string {
    const value = this.body[name];
    if (typeof value !== 'string' || value.length === 0) this.fail(`"${name}" must be a non-empty string.`);
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(`"${name}" must be a string.`);
    return value;
  }

  /**
   * A non-negative number of seconds. Digit strings are accepted too: some deployed servers
   * (e.g. older Azure AD device-code endpoints) send `"expires_in": "900"`.
   */
  optionalSeconds(name: string): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    const seconds = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      this.fail(`"${name}" must be a non-negative number of seconds.`);
    }
    return seconds;
  }

  requiredSeconds(name: string): number {
    const seconds = this.optionalSeconds(name);
    if (seconds === undefined) this.fail(`"${name}" is required.`);
    return seconds;
  }
}
