import { describe, it } from 'vitest';
import { testDatabaseUrl } from '../support/resources';
import { deviceFlowEndToEnd } from './device-flow.scenario';

const url = testDatabaseUrl('device flow end to end');
if (url) deviceFlowEndToEnd('PostgreSQL', url);
else describe.skip('device flow end to end (PostgreSQL)', () => it('needs PAIRGATE_TEST_DATABASE_URL', () => {}));
