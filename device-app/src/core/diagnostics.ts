/**
 * What the controller's modules share about failure: the token-free description that goes to the
 * log, and the one reason a phase's work is stopped.
 */
import { OAuthError } from '@pairgate/shared';

/** A loggable description of an error: its name and OAuth code, never a message that might echo input. */
export function describeError(error: unknown): string {
  if (error instanceof OAuthError) return `${error.error} (HTTP ${error.status})`;
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return code ? `${error.name} ${String(code)}` : error.name;
  }
  return typeof error;
}

/** Thrown out of a phase's work when the phase ends (the next phase began, or the app stopped); never shown. */
export class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

/** Where token-free diagnostics go. */
export type Log = (line: string) => void;
