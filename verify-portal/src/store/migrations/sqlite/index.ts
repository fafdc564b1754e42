import type { Migration } from '../migration';
import { migration as m0001 } from './0001-initial';

/** SQLite migrations in order. Add `0002-…` (sessions, rate limits, authorization codes, …) below. */
export const sqliteMigrations: readonly Migration[] = [m0001];
