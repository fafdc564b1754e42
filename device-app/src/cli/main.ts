/** The `pairgate` command (login, logout, status): parses the command line and runs it; returns the exit code. */
import { UsageError, USAGE, parseCommand } from './args';
import { ExitCode, type CliIo } from './io';
import { login } from './login';
import { logout } from './logout';
import { status } from './status';

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`pairgate: ${error.message}\n\n${USAGE}`);
    return ExitCode.usage;
  }
  switch (command.name) {
    case 'help':
      io.stderr.write(USAGE);
      return argv.length === 0 ? ExitCode.usage : ExitCode.ok;
    case 'login':
      return login(command.args, io);
    case 'logout':
      return logout(io);
    case 'status':
      return status(io);
  }
}
