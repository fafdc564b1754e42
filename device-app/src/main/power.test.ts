import { beforeEach, describe, expect, it, vi } from 'vitest';
import { powerSaveBlocker, resetElectron } from '../../test/support/electron';
import type { ViewState } from '../core/view-state';
import { setupPowerSaveBlocker } from './power';

vi.mock('electron', () => import('../../test/support/electron'));

const code = { userCode: 'BCDF-GHJK', spokenCode: '', verificationUri: '', qrUri: '', qrIncludesCode: true, expiresAt: 0 };
const pairing = (status: Extract<ViewState, { screen: 'pairing' }>['status']): ViewState => ({
  screen: 'pairing',
  status,
  code: status === 'waiting' || status === 'reconnecting' ? code : null,
  match: null,
  failure: null,
  notice: null,
});

describe('powerSaveBlocker', () => {
  beforeEach(resetElectron);

  it('keeps the display awake while a code is shown, and only then', () => {
    let state: ViewState = pairing('connecting');
    let listener: (s: ViewState) => void = () => undefined;
    setupPowerSaveBlocker({ getState: () => state, subscribe: (l) => ((listener = l), () => undefined) });
    const set = (next: ViewState) => {
      state = next;
      listener(next);
    };
    expect(powerSaveBlocker.start).toHaveBeenCalledWith('prevent-display-sleep');
    expect(powerSaveBlocker.active.size).toBe(1);
    set(pairing('waiting'));
    set(pairing('reconnecting'));
    expect(powerSaveBlocker.start).toHaveBeenCalledTimes(1); // one blocker, not one per state
    set({ screen: 'signed-in', name: 'Ada', signingOut: false, notice: null, devices: null });
    expect(powerSaveBlocker.active.size).toBe(0);
    set(pairing('waiting'));
    expect(powerSaveBlocker.active.size).toBe(1);
    set(pairing('expired')); // waiting for a key press: let the screen sleep
    expect(powerSaveBlocker.active.size).toBe(0);
    expect(powerSaveBlocker.stop).toHaveBeenCalledTimes(2);
  });
});
