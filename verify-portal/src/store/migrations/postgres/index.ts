import type { Migration } from '../migration';
import { migration as m0001 } from './0001-initial';
import { migration as m0002 } from './0002-sessions-rate-limits';
import { migration as m0003 } from './0003-authorization-codes';
import { migration as m0004 } from './0004-client-auth';
import { migration as m0005 } from './0005-authorization-response';
import { migration as m0006 } from './0006-readiness';
import { migration as m0007 } from './0007-throttles';
import { migration as m0008 } from './0008-cross-device';

/** PostgreSQL migrations in order. Add the next one (`0009-…`) at the end. */
export const postgresMigrations: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008];
