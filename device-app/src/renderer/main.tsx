/**
 * The renderer's entry. In Electron the preload has exposed `window.pairgate` and the controller
 * runs in main; anywhere else this page is the web host and runs the controller itself.
 */
import { createRoot } from 'react-dom/client';
import { parseClientConfig, type ClientConfig } from '../core/client-config';
import type { Host } from '../core/host';
import { createWebHost } from '../core/web-host';
import { App } from './App';
import { createElectronHost, electronApi } from './electron-host';
import { strings } from './strings';
import './styles.css';

/** The web host's configuration: inlined in the page by the server (no extra round trip), else /config.json. */
async function readConfig(): Promise<ClientConfig> {
  const inline = document.getElementById('pairgate-config')?.textContent;
  if (inline) return parseClientConfig(JSON.parse(inline));
  const response = await fetch('/config.json', { headers: { Accept: 'application/json' } });
  return parseClientConfig(await response.json());
}

async function start(): Promise<void> {
  const root = createRoot(document.getElementById('root') as HTMLElement);
  const api = electronApi();
  let host: Host;
  try {
    host = api ? createElectronHost(api) : createWebHost(await readConfig());
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
