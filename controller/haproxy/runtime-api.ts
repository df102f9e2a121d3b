/**
 * The worker's Runtime API (stats socket): server state changes applied
 * without a reload. Commands are batched into one socket round trip per call.
 */
import { type CliCommand, CliError, commandLine, runCommands } from './cli-socket.ts';

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
  // HAProxy 3.0's answer to an address and port that are already set (2.6: "no need to change").
  /^nothing changed$/,
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

/** Payload bytes per `add map` command: the whole command must fit HAProxy's 16 KiB CLI buffer. */
const MAP_PAYLOAD_BYTES = 12_000;

/** A map's new content, keyed by the file name haproxy.cfg loads it from. */
export interface MapReplacement {
  file: string;
  /** `key value` lines, without a trailing newline on the last one. */
  lines: readonly string[];
}

/** One map's lines split into `add map` payloads that fit the CLI buffer. */
function mapPayloads(lines: readonly string[]): string[] {
  const payloads: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 > MAP_PAYLOAD_BYTES && current.length > 0) {
      payloads.push(current.join('\n'));
      current = [];
      size = 0;
    }
    current.push(line);
    size += line.length + 1;
  }
  if (current.length > 0) payloads.push(current.join('\n'));
  return payloads;
}

/** A pattern file's new patterns, keyed by the file name haproxy.cfg loads it from. */
export interface AclReplacement {
  file: string;
  patterns: readonly string[];
}

/**
 * Bytes of commands and payloads per connection. HAProxy reads a busy CLI
 * connection's input in pieces and resets it when a large pipelined batch of
 * payload commands outruns it; batches this small always get all their answers.
 */
const MAX_BATCH_BYTES = 16_384;

/** Splits commands into batches of at most `count` commands and (unless one is bigger) `bytes` bytes. */
function* batches(commands: readonly CliCommand[], count: number, bytes: number): Generator<CliCommand[]> {
  let batch: CliCommand[] = [];
  let size = 0;
  for (const command of commands) {
    const length =
      typeof command === 'string' ? command.length + 1 : command.line.length + command.payload.length + 5;
    if (batch.length > 0 && (batch.length >= count || size + length > bytes)) {
      yield batch;
      batch = [];
      size = 0;
    }
    batch.push(command);
    size += length;
  }
  if (batch.length > 0) yield batch;
}

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
    for (const batch of batches(commands, this.#maxBatch, MAX_BATCH_BYTES)) {
      const answers = await runCommands(this.#socket, batch);
      roundTrips++;
      answers.forEach((answer, j) => {
        if (!isSuccess(answer)) throw new RuntimeCommandError(commandLine(batch[j] as CliCommand), answer);
      });
    }
    return { roundTrips };
  }

  /**
   * Replaces whole maps atomically: each gets a new version (`prepare map`),
   * is filled in that version, and the version is committed, so lookups see
   * the old content or the new, never a mix. Two round trips in all.
   */
  async replaceMaps(maps: readonly MapReplacement[]): Promise<{ roundTrips: number; commands: number }> {
    if (maps.length === 0) return { roundTrips: 0, commands: 0 };
    // A version that was not committed is dropped by HAProxy once a newer one is: trying
    // again from `prepare` is always safe.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#replaceMaps(maps);
      } catch (error) {
        if (!(error instanceof CliError) || attempt === 3) throw error;
      }
    }
  }

  async #replaceMaps(maps: readonly MapReplacement[]): Promise<{ roundTrips: number; commands: number }> {
    const prepared = await runCommands(
      this.#socket,
      maps.map((m) => `prepare map ${m.file}`),
    );
    const commands: CliCommand[] = [];
    maps.forEach((map, i) => {
      const answer = prepared[i] ?? '';
      const version = /^New version created: (\d+)$/m.exec(answer.trim())?.[1];
      if (!version) throw new RuntimeCommandError(`prepare map ${map.file}`, answer);
      for (const payload of mapPayloads(map.lines))
        commands.push({ line: `add map @${version} ${map.file}`, payload });
      commands.push(`commit map @${version} ${map.file}`);
    });
    const { roundTrips } = await this.apply(commands);
    return { roundTrips: roundTrips + 1, commands: commands.length + maps.length };
  }

  /**
   * Replaces whole ACL pattern files as replaceMaps replaces maps: a new
   * version per file, one `add acl` per pattern, then the commit.
   */
  async replaceAcls(acls: readonly AclReplacement[]): Promise<{ roundTrips: number; commands: number }> {
    if (acls.length === 0) return { roundTrips: 0, commands: 0 };
    const prepared = await runCommands(
      this.#socket,
      acls.map((a) => `prepare acl ${a.file}`),
    );
    const commands: string[] = [];
    acls.forEach((acl, i) => {
      const answer = prepared[i] ?? '';
      const version = /^New version created: (\d+)$/m.exec(answer.trim())?.[1];
      if (!version) throw new RuntimeCommandError(`prepare acl ${acl.file}`, answer);
      for (const pattern of acl.patterns) commands.push(`add acl @${version} ${acl.file} ${pattern}`);
      commands.push(`commit acl @${version} ${acl.file}`);
    });
    const { roundTrips } = await this.apply(commands);
    return { roundTrips: roundTrips + 1, commands: commands.length + acls.length };
  }

  /**
   * `del server` for each server, which HAProxy refuses while the server still
   * has connections: returns the ones it deleted, and leaves the others for later.
   */
  async deleteServers(servers: readonly string[]): Promise<Set<string>> {
    const deleted = new Set<string>();
    for (let i = 0; i < servers.length; i += this.#maxBatch) {
      const batch = servers.slice(i, i + this.#maxBatch);
      const answers = await runCommands(
        this.#socket,
        batch.map((s) => `del server ${s}`),
      );
      answers.forEach((answer, j) => {
        if (/^Server deleted\.?$/.test(answer.trim())) deleted.add(batch[j] as string);
      });
    }
    return deleted;
  }
}
