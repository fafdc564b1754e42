import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, app, resetElectron } from '../../test/support/electron';
import { setupSingleInstance } from './single-instance';

vi.mock('electron', () => import('../../test/support/electron'));

describe('single-instance lock', () => {
  beforeEach(resetElectron);

  it('the first instance takes the lock and focuses its window when a second one starts', () => {
    const window = new BrowserWindow({});
    expect(setupSingleInstance(() => window as never)).toBe(true);
    expect(app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(app.quit).not.toHaveBeenCalled();
    app.emit('second-instance');
    expect(window.focus).toHaveBeenCalled();
  });

  it('a second instance quits', () => {
    app.requestSingleInstanceLock.mockReturnValue(false);
    expect(setupSingleInstance(() => undefined)).toBe(false);
    expect(app.quit).toHaveBeenCalled();
  });
});
