/**
 * The worker's Runtime API (stats socket): server state changes applied
 * without a reload. Commands are batched into one socket round trip per call.
 */
import { type CliCommand, commandLine, runCommands } from './cli-socket.ts';

export class RuntimeCommandError extends Error {
  readonly command: string;
  readonly answer: string;
  constructor(command: string, answer: string) {
    super(`runtime API refused "${command}": ${answer.trim()}`);
    this.command = command;
    this.answer = answer;
  }
}

/** Answers that mean a command did something; everything else non-empty is an error. */
const SUCCESS = [
  /^$/,
  /^IP changed from/,
  /^no need to change/,
  /^port changed from/,
  /^New server registered\.?$/,
  // Certificate transactions and crt-list updates (`new`/`set`/`commit`/`del ssl cert`, `add`/`del ssl crt-list`).
  /^New empty certificate store '[^']+'!$/,
  /^Transaction (created|updated) for certificate \S+!$/,
  /^Committing \S+?\.*$/,
  /^Inserting certificate '[^']+' in crt-list '[^']+'\.*$/,
  /^Success!$/,
  /^Entry '[^']+' deleted in crtlist '[^']+'!$/,
  /^Certificate '[^']+' deleted!$/,
];

const isSuccess = (answer: string): boolean => {
  const text = answer.trim();
  // A commit or crt-list insertion reports progress first: only a final "Success!" means it took.
  if (/^(Committing|Inserting) /.test(text) && !text.endsWith('Success!')) return false;
  return text.split('\n').every((line) => SUCCESS.some((re) => re.test(line.trim())));
};

export class RuntimeApi {
  readonly #socket: string;
  /** Commands per connection: bounds how long one round trip holds the CLI. */
  readonly #maxBatch = 400;

  constructor(socketPath: string) {
    this.#socket = socketPath;
  }

  /**
   * Runs commands and throws on the first one HAProxy refused (the rest still ran).
   * Payloads (certificates, keys) are sent but never appear in errors.
   */
  async apply(commands: readonly CliCommand[]): Promise<{ roundTrips: number }> {
    let roundTrips = 0;
    for (let i = 0; i < commands.length; i += this.#maxBatch) {
      const batch = commands.slice(i, i + this.#maxBatch);
      const answers = await runCommands(this.#socket, batch);
      roundTrips++;
      answers.forEach((answer, j) => {
        if (!isSuccess(answer)) throw new RuntimeCommandError(commandLine(batch[j] as CliCommand), answer);
      });
    }
    return { roundTrips };
  }
}
