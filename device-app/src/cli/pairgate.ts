/** The process around `run()`: real streams, the environment, and Ctrl-C as cancellation. */
import { run } from './main';

const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());
process.once('SIGTERM', () => interrupt.abort());

const code = await run(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, signal: interrupt.signal });
process.exitCode = code;
// Nothing should be left running; if something is (a slow socket), it must not hold the exit.
setTimeout(() => process.exit(code), 2_000).unref();
