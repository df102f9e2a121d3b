/**
 * The worker's Runtime API (stats socket): server state changes applied
 * without a reload. Commands are batched into one socket round trip per call.
 */
import { runCommands } from './cli-socket.ts';

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
];

const isSuccess = (answer: string): boolean => {
  const text = answer.trim();
  return text.split('\n').every((line) => SUCCESS.some((re) => re.test(line.trim())));
};

export class RuntimeApi {
  readonly #socket: string;
  /** Commands per connection: bounds how long one round trip holds the CLI. */
  readonly #maxBatch = 400;

  constructor(socketPath: string) {
    this.#socket = socketPath;
  }

  /** Runs commands and throws on the first one HAProxy refused (the rest still ran). */
  async apply(commands: readonly string[]): Promise<{ roundTrips: number }> {
    let roundTrips = 0;
    for (let i = 0; i < commands.length; i += this.#maxBatch) {
      const batch = commands.slice(i, i + this.#maxBatch);
      const answers = await runCommands(this.#socket, batch);
      roundTrips++;
      answers.forEach((answer, j) => {
        if (!isSuccess(answer)) throw new RuntimeCommandError(batch[j] as string, answer);
      });
    }
    return { roundTrips };
  }
}
