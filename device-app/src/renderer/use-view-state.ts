import { useSyncExternalStore } from 'react';
import type { Host } from '../core/host';
import type { ViewState } from '../core/view-state';

export function useViewState(host: Host): ViewState | null {
  // The third argument is what a server render reads (the web host's first screen).
  return useSyncExternalStore(host.subscribe, host.getState, host.getState);
}
