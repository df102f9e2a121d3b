/**
 * HAProxy's output, line by line and each line once: HAProxy prints an event on stderr
 * (`[WARNING]  (pid) : Proxy http stopped ...`) and sends the same text to its log
 * target, which the generated config points at stdout (`log stdout format raw`).
 * A line that repeats one just seen on the other stream is dropped.
 */
import type { Readable } from 'node:stream';

type Stream = 'stdout' | 'stderr';

/** The `[LEVEL]  (pid) : ` prefix of HAProxy's own messages. */
const PREFIX = /^\[(ALERT|WARNING|NOTICE|DEBUG)\]\s+\(\d+\)\s*:\s*/;

/** Recent lines remembered per stream for matching; events come in bursts of a few dozen. */
const REMEMBER = 256;

export class HAProxyOutput {
  /** Recent message texts per stream that the other stream has not repeated yet. */
  readonly #recent: Record<Stream, string[]> = { stdout: [], stderr: [] };
  #alerts: string[] = [];

  /** Reads a child's stream and hands `onLine` every line that is not an echo of the other stream. */
  attach(stream: Readable | null | undefined, name: Stream, onLine: (line: string) => void): void {
    if (!stream) return;
    stream.setEncoding('utf8');
    let rest = '';
    const take = (raw: string) => {
      const line = this.accept(name, raw);
      if (line) onLine(line);
    };
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) take(line);
    });
    stream.on('end', () => {
      if (rest) take(rest);
      rest = '';
    });
  }

  /** The line, trimmed, or undefined when it is empty or repeats a line of the other stream. */
  accept(stream: Stream, raw: string): string | undefined {
    const line = raw.trim();
    if (!line) return undefined;
    const text = line.replace(PREFIX, '');
    const other = this.#recent[stream === 'stdout' ? 'stderr' : 'stdout'];
    const echo = other.indexOf(text);
    if (echo >= 0) {
      other.splice(echo, 1);
      return undefined;
    }
    const mine = this.#recent[stream];
    mine.push(text);
    if (mine.length > REMEMBER) mine.shift();
    if (line.startsWith('[ALERT]')) this.#alerts.push(text);
    return line;
  }

  /** The `[ALERT]` messages since the last call (without prefix): why HAProxy failed to start. */
  takeAlerts(): string[] {
    const alerts = this.#alerts;
    this.#alerts = [];
    return alerts;
  }
}
