/**
 * Keeps the display awake while the pairing screen is up: a code nobody can see because the
 * screen went to sleep is no use. Released once signed in, or when waiting for a key press.
 */
import { powerSaveBlocker } from 'electron';
import type { ViewState } from '../core/view-state';

export function keepsDisplayAwake(state: ViewState): boolean {
  if (state.screen !== 'pairing') return false;
  switch (state.status) {
    case 'connecting':
    case 'waiting':
    case 'opened':
    case 'reconnecting':
    case 'renewing':
      return true;
    case 'expired':
    case 'denied':
    case 'failed':
      return false;
  }
}

export function setupPowerSaveBlocker(source: { getState(): ViewState; subscribe(listener: (state: ViewState) => void): () => void }): () => void {
  let blocker: number | undefined;
  const update = (state: ViewState) => {
    const awake = keepsDisplayAwake(state);
    if (awake && blocker === undefined) {
      blocker = powerSaveBlocker.start('prevent-display-sleep');
    } else if (!awake && blocker !== undefined) {
      powerSaveBlocker.stop(blocker);
      blocker = undefined;
    }
  };
  update(source.getState());
  const unsubscribe = source.subscribe(update);
  return () => {
    unsubscribe();
    if (blocker !== undefined) powerSaveBlocker.stop(blocker);
    blocker = undefined;
  };
}
