/** The bundled main's entry (dist/electron/main.cjs). */
import { app } from 'electron';
import { main } from './index';

// Unpackaged: argv is [electron, main.cjs, ...flags]; packaged: [app, ...flags].
main(process.argv.slice(app.isPackaged ? 1 : 2), process.env, __dirname);
