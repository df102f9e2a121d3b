/**
 * Local mode: Kubernetes objects from a directory of manifests, watched for
 * changes (add, edit, delete, rename, atomic-rename writes).
 */
import { readFile } from 'node:fs/promises';
import { extname, relative, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import type { Logger } from 'pino';
import { KINDS } from '../../store/schemas.ts';
import { type Parsed, refKey, type Store } from '../../store/store.ts';
import type { Source } from '../source.ts';
import { parseManifestFile, type ReadChunk } from './parse-file.ts';

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** A path below the directory with a component that starts with a dot. */
const hidden = (below: string): boolean =>
  below.split(sep).some((part) => part.startsWith('.') && part !== '..');

export class ManifestsSource implements Source {
  readonly name = 'manifests';
  readonly #dir: string;
  readonly #log: Logger;
  #watcher: FSWatcher | undefined;
  /** Last good objects per file, kept when a later version of the file is broken. */
  readonly #lastGood = new Map<string, Parsed[]>();
  /** Reads in flight per file, so that a burst of events reads the file once more at most. */
  readonly #pending = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  /** Per file, the objects of its last read by document (parse-file.ts). */
  readonly #documents = new Map<string, ReadonlyMap<string, ReadChunk>>();

  constructor(dir: string, log: Logger) {
    this.#dir = dir;
    this.#log = log.child({ source: 'manifests' });
  }

  start(store: Store): Promise<void> {
    return new Promise((resolve, reject) => {
      const watcher = watch(this.#dir, {
        // Hidden files and directories are editors' and tools' (swap files, `.git`, a file
        // written aside and renamed into place): watching them only costs directory rescans.
        ignored: (path, stats) =>
          hidden(relative(this.#dir, path)) || Boolean(stats?.isFile() && !EXTENSIONS.has(extname(path))),
        ignoreInitial: false,
        atomic: true,
      });
      this.#watcher = watcher;
      const initial: Promise<void>[] = [];
      let ready = false;
      const onFile = (path: string) => {
        if (!EXTENSIONS.has(extname(path))) return;
        const read = this.#schedule(store, path);
        if (!ready) initial.push(read);
      };
      watcher.on('add', onFile).on('change', onFile);
      watcher.on('unlink', (path) => {
        this.#lastGood.delete(path);
        this.#documents.delete(path);
        store.replaceOrigin(this.#origin(path), []);
      });
      watcher.on('error', (error) =>
        this.#log.error({ err: error }, 'watching the manifests directory failed'),
      );
      watcher.once('ready', () => {
        ready = true;
        Promise.all(initial).then(() => resolve(), reject);
      });
    });
  }

  async stop(): Promise<void> {
    await this.#watcher?.close();
  }

  /** Objects held per kind, every kind listed: what /readyz shows, as cluster mode shows its collections. */
  status(): { name: string; phase: 'watching'; objects: number }[] {
    const counts = new Map<string, number>(KINDS.map((kind) => [kind, 0]));
    for (const objects of this.#lastGood.values())
      for (const { kind } of objects) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    return [...counts].map(([name, objects]) => ({ name, phase: 'watching', objects }));
  }

  #origin(path: string): string {
    return relative(this.#dir, path) || path;
  }

  #schedule(store: Store, path: string): Promise<void> {
    const inFlight = this.#pending.get(path);
    if (inFlight) {
      this.#again.add(path);
      return inFlight;
    }
    const run = (async () => {
      do {
        this.#again.delete(path);
        await this.#load(store, path);
      } while (this.#again.has(path));
    })().finally(() => this.#pending.delete(path));
    this.#pending.set(path, run);
    return run;
  }

  async #load(store: Store, path: string): Promise<void> {
    const origin = this.#origin(path);
    const started = performance.now();
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      // Removed between the event and the read: the unlink event follows.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const contents = parseManifestFile(origin, text, this.#documents.get(path));
    if (!contents.unreadable) this.#documents.set(path, contents.chunks);
    let objects = contents.objects;
    const previous = this.#lastGood.get(path) ?? [];
    if (contents.unreadable) {
      // Like a rejected `kubectl apply`: what was there keeps working.
      objects = previous;
    } else if (contents.rejected.length > 0) {
      const rejected = new Set(contents.rejected);
      objects = [
        ...objects,
        ...previous.filter((p) => rejected.has(refKey({ kind: p.kind, ...p.object.metadata }))),
      ];
    }
    this.#lastGood.set(path, objects);
    // The problems go with the objects: the reconcile loop logs each one once, while it lasts.
    store.replaceOrigin(origin, objects, contents.problems);
    this.#log.debug(
      { file: origin, objects: objects.length, ms: Math.round(performance.now() - started) },
      'read manifest file',
    );
  }
}
