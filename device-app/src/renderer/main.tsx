/**
 * The renderer's entry. In Electron the preload has exposed `window.pairgate` and the controller
 * runs in main; anywhere else this page is the web host and runs the controller itself, starting
 * from the first code the host put in the page (already on screen) when there is one.
 */
import { processDeviceAuthorizationResponse } from '@pairgate/shared';
import { createRoot } from 'react-dom/client';
import { parseClientConfig, type ClientConfig } from '../core/client-config';
import type { Host } from '../core/host';
import type { FirstCode } from '../core/pairing';
import { isDeviceId } from '../core/device-id';
import { createWebHost } from '../core/web-host';
import { CONFIG_ELEMENT_ID, DEVICE_ID_ELEMENT_ID, FIRST_CODE_ELEMENT_ID } from '../index-html';
import { App } from './App';
import { createElectronHost, electronApi } from './electron-host';
import { strings } from './strings';
import './styles.css';

/** The web host's configuration: inlined in the page by the server (no extra round trip), else /config.json. */
async function readConfig(): Promise<ClientConfig> {
  const inline = document.getElementById(CONFIG_ELEMENT_ID)?.textContent;
  if (inline) return parseClientConfig(JSON.parse(inline));
  const response = await fetch('/config.json', { headers: { Accept: 'application/json' } });
  return parseClientConfig(await response.json());
}

/**
 * The first code the host asked for, checked like any device authorization response (RFC 8628
 * §3.2); its `expires_in` counts from now. None (or a bad one): the controller asks itself.
 */
async function readFirstCode(): Promise<FirstCode | undefined> {
  const requestedAt = Date.now();
  const inline = document.getElementById(FIRST_CODE_ELEMENT_ID)?.textContent;
  if (!inline) return undefined;
  try {
    const { authorization } = JSON.parse(inline) as { authorization?: unknown };
    const response = new Response(JSON.stringify(authorization), { headers: { 'Content-Type': 'application/json' } });
    return { authorization: await processDeviceAuthorizationResponse(response), requestedAt };
  } catch (error) {
    console.warn('[pairgate] the page’s first code is unusable; asking for one:', error instanceof Error ? error.name : typeof error);
    return undefined;
  }
}

/** The screen's device id, which the web host put in the page (from its cookie); none: no id is sent. */
function readDeviceId(): string | undefined {
  try {
    const value: unknown = JSON.parse(document.getElementById(DEVICE_ID_ELEMENT_ID)?.textContent ?? 'null');
    return isDeviceId(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

async function start(): Promise<void> {
  const root = createRoot(document.getElementById('root') as HTMLElement);
  const api = electronApi();
  let host: Host;
  try {
    host = api ? createElectronHost(api) : createWebHost(await readConfig(), await readFirstCode(), readDeviceId());
  } catch (error) {
    console.error('[pairgate] configuration:', error instanceof Error ? error.message : String(error));
    root.render(
      <main className="screen">
        <p className="status" role="alert">
          {strings.configError}
        </p>
      </main>,
    );
    return;
  }
  root.render(<App host={host} />);
}

void start();
