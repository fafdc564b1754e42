import { deviceFlowEndToEnd } from './device-flow.scenario';

deviceFlowEndToEnd('SQLite', undefined);
