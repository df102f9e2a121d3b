/**
 * One round trip to an HAProxy CLI socket (stats socket or master CLI).
 * Commands are pipelined in interactive mode on a single connection, and the
 * output is split per command on the prompt HAProxy prints after each one.
 */
import { channel } from 'node:diagnostics_channel';
import { connect } from 'node:net';

/** Published after every `runCommands` round trip: `{ socket, seconds }` (the controller's metrics listen). */
export const roundTripChannel = channel('haproxy-sidecar-ingress:cli-round-trip');

export interface RoundTrip {
  socket: string;
  seconds: number;
}

export class CliError extends Error {
  readonly socket: string;
  constructor(socket: string, message: string) {
    super(`${socket}: ${message}`);
    this.socket = socket;
  }
}

function exchange(socketPath: string, payload: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new CliError(socketPath, `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // HAProxy closes the connection once it has answered `quit`; input it had not read by
      // then (a busy worker reads a large batch in pieces) makes the close a reset. The
      // answers are all there: the caller counts them.
      if (error.code === 'ECONNRESET' && chunks.length > 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(new CliError(socketPath, error.message));
    });
    // Half-close after writing: the master CLI only answers once it sees the end of input.
    socket.end(payload);
  });
}

/**
 * A command with a multi-line payload (`set ssl cert <file> <<`): HAProxy reads
 * the lines that follow up to the first empty line.
 */
export interface PayloadCommand {
  line: string;
  payload: string;
}

export type CliCommand = string | PayloadCommand;

/** The command line alone: what may appear in errors and logs (never the payload). */
export const commandLine = (command: CliCommand): string =>
  typeof command === 'string' ? command : `${command.line} <<`;

function encode(socketPath: string, command: CliCommand): string {
  const line = typeof command === 'string' ? command : command.line;
  if (/[\r\n;]/.test(line))
    throw new CliError(socketPath, `refusing command with a line break or ';': ${line}`);
  if (typeof command === 'string') return command;
  // An empty line would end the payload early, and a CR would reach HAProxy as data.
  const lines = command.payload.trimEnd().split('\n');
  if (lines.some((l) => l.trim() === '' || /[\r\0]/.test(l)))
    throw new CliError(socketPath, `refusing payload with an empty line or a control character: ${line}`);
  return `${line} <<\n${lines.join('\n')}\n`;
}

/** Runs commands in order on one connection and returns each command's output. */
export async function runCommands(
  socketPath: string,
  commands: readonly CliCommand[],
  timeoutMs = 10_000,
): Promise<string[]> {
  const encoded = commands.map((c) => encode(socketPath, c));
  const started = performance.now();
  const output = await exchange(socketPath, `prompt\n${encoded.join('\n')}\nquit\n`, timeoutMs);
  roundTripChannel.publish({
    socket: socketPath,
    seconds: (performance.now() - started) / 1000,
  } satisfies RoundTrip);
  // "\n> " follows the prompt toggle and every command; outputs sit between them. While a
  // payload is read, HAProxy prints a "+ " continuation prompt per line: dropped here.
  const parts = output.split(/\n(?:[\w[\]()]*)> /);
  const results = parts.slice(1, commands.length + 1).map((p) => p.replace(/^(?:\+ )+/, ''));
  if (results.length !== commands.length) {
    throw new CliError(
      socketPath,
      `expected ${commands.length} answers, got ${results.length}: ${output.slice(0, 200)}`,
    );
  }
  return results;
}

/** Sends one command without the prompt (e.g. `reload`, which closes the connection). */
export function runCommand(socketPath: string, command: string, timeoutMs = 10_000): Promise<string> {
  return exchange(socketPath, `${command}\n`, timeoutMs);
}
