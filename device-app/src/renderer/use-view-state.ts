import { useSyncExternalStore } from 'react';
import type { Host } from '../core/host';
import type { ViewState } from '../core/view-state';

export function useViewState(host: Host): ViewState | null {
  return useSyncExternalStore(host.subscribe, host.getState);
}
