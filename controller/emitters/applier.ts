/**
 * Brings HAProxy to the desired state the cheapest safe way. Runtime first:
 * pods, certificates and routes change over the Runtime API; only a changed
 * structure (a backend added or removed, a backend, frontend or global
 * setting) renders → validates → installs → reloads. Remembers what HAProxy
 * has applied, and keeps the files on disk identical to it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { type MasterCli, ReloadError } from '../haproxy/master-cli.ts';
import type { HAProxyProcess } from '../haproxy/process.ts';
import type { RuntimeApi } from '../haproxy/runtime-api.ts';
import type { Metrics } from '../http/metrics.ts';
import { backendNamed } from '../model/sorted.ts';
import type { DesiredState } from '../model/types.ts';
import type { Problem } from '../store/problems.ts';
import { describeShortfall, fdNeed, hardFdLimit } from './config/fd-budget.ts';
import { type RenderedFile, renderFiles } from './config/render.ts';
import { overlaySwitch, ROUTE_MAP, ROUTE_OVERLAY_MAP } from './config/route-map.ts';
import {
  builtinChoice,
  type TemplateChoice,
  type UserTemplates,
  withTemplates,
} from './config/user-templates.ts';
import { buildView, type Listen, type Paths, type SnippetOrigins } from './config/view.ts';
import type { ConfigWriter, InstallResult } from './config/writer.ts';
import { removeFiles, replaceFiles } from './runtime/certificate-files.ts';
import { planCertificates } from './runtime/certificates.ts';
import { planRuntime } from './runtime/diff.ts';
import { type MapFiles, mapFilesOf, planAllMaps, planMaps } from './runtime/maps.ts';
import { planPatternFiles } from './runtime/pattern-files.ts';
import { excessSlots, planSlots, type Slot, type SlotTable } from './runtime/slots.ts';
import { describeChange, structureOf } from './structure.ts';

export interface ApplierDeps {
  writer: ConfigWriter;
  runtime: RuntimeApi;
  master: MasterCli;
  /** Absent in sidecar mode, where HAProxy is started by its own container. */
  process: HAProxyProcess | undefined;
  listen: Listen;
  paths: Paths;
  /** The generated self-signed certificate, served when no default certificate is set. */
  fallbackPem: string;
  metrics: Metrics;
  log: Logger;
  /** How long to wait before trying again to delete servers that still had connections. */
  sweepDelayMs?: number;
  /** How long routing must be quiet before the route overlay is folded into the route map. */
  foldDelayMs?: number;
  /** The user's partials (--templates); without them, the built-in templates. */
  templates?: UserTemplates;
  /** Told when a config to load has been rendered, before it is checked and loaded (reconcile/idle-gc.ts). */
  afterRender?: () => void;
}

export type ApplyOutcome = 'unchanged' | 'runtime' | 'reload' | 'start';

/** A config that passed `haproxy -c` but HAProxy refused to load; the last good config keeps serving. */
export class ConfigLoadError extends Error {
  readonly reason: string;
  /** HAProxy's own lines about the failure, where they could be read. */
  readonly output: string;
  /** True when this exact config was refused before and was not tried again. */
  readonly repeated: boolean;
  constructor(reason: string, output: string, repeated: boolean) {
    super(`HAProxy could not load the new config (${reason})`);
    this.reason = reason;
    this.output = output;
    this.repeated = repeated;
  }
}

interface Applied {
  state: DesiredState;
  structure: string;
  slots: SlotTable;
  maps: MapFiles;
  /** The vhosts the route overlay map holds (runtime/route-overlay.ts); none after a reload. */
  overlay: ReadonlySet<string>;
  /** The templates haproxy.cfg was rendered with. */
  template: TemplateChoice;
}

export class Applier {
  readonly #deps: ApplierDeps;
  #applied: Applied | undefined;
  /** Files written beside a Runtime API update since the last install. */
  readonly #runtimeFiles = new Set<string>();
  /** Digest of the last haproxy.cfg HAProxy refused to load, with why it was tried and what HAProxy said. */
  #refused: { digest: string; reason: string; output: string } | undefined;
  /** Applies and sweeps run one at a time. */
  #queue: Promise<unknown> = Promise.resolve();
  #sweepTimer: NodeJS.Timeout | undefined;
  /** Backends that may hold free servers beyond their headroom (diff.ts deletions). */
  readonly #sweepBackends = new Set<string>();
  #foldTimer: NodeJS.Timeout | undefined;
  #installProblems: Problem[] = [];
  /** The last rendered config needs more file descriptors than the hard limit allows. */
  #limitProblem: Problem | undefined;

  constructor(deps: ApplierDeps) {
    this.#deps = deps;
  }

  /** Forget what HAProxy has (it restarted): the next apply renders and reloads everything. */
  invalidate(): void {
    this.#applied = undefined;
  }

  /** Stops the deletion sweep and the fold; an apply under way still finishes. */
  close(): void {
    clearTimeout(this.#sweepTimer);
    this.#sweepTimer = undefined;
    clearTimeout(this.#foldTimer);
    this.#foldTimer = undefined;
  }

  apply(state: DesiredState): Promise<ApplyOutcome> {
    const run = this.#queue.then(() => this.#apply(state));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #apply(state: DesiredState): Promise<ApplyOutcome> {
    const { log } = this.#deps;
    const structure = structureOf(state);
    const applied = this.#applied;
    const templates = this.#deps.templates?.choices()[0] ?? builtinChoice();
    let reason: string;
    if (applied && applied.structure === structure && applied.template === templates) {
      const outcome = await this.#applyAtRunTime(applied, state).catch((error: unknown) => {
        // The error names the command line only; certificate payloads are never logged.
        log.warn({ err: error }, 'Runtime API change failed; reloading instead');
        return undefined;
      });
      if (typeof outcome === 'string') return outcome;
      reason = outcome === undefined ? 'Runtime API change failed' : outcome.reload;
    } else if (applied && applied.structure === structure) reason = 'templates changed';
    else reason = describeChange(applied?.state, state);
    return this.#reload(state, structure, reason);
  }

  /** The Runtime API path, or the reason it cannot take this change. */
  async #applyAtRunTime(applied: Applied, state: DesiredState): Promise<ApplyOutcome | { reload: string }> {
    const { metrics, log, paths, runtime } = this.#deps;
    const servers = planRuntime(applied.slots, state.backends, applied.state.backends);
    if (servers.kind === 'reload') return { reload: servers.reason };
    const certificates = planCertificates(applied.state.tls, state.tls, paths.configDir);
    const maps = planMaps(applied.state, applied.maps, applied.overlay, state, paths.configDir);
    const patterns = planPatternFiles(applied.state.patternFiles, state.patternFiles, paths.configDir);
    const commands = [...certificates.commands, ...servers.commands];
    if (
      commands.length === 0 &&
      certificates.write.length === 0 &&
      maps.replace.length === 0 &&
      patterns.replace.length === 0
    ) {
      this.#applied = appliedAtRunTime(applied, state, servers.changed, maps);
      this.#queueDeletions(servers);
      return 'unchanged';
    }
    // Files first: a reload after this point loads the same certificates the worker serves.
    await replaceFiles(paths.configDir, certificates.write);
    for (const file of certificates.write) this.#runtimeFiles.add(file.path);
    const { roundTrips } = await runtime.apply(commands);
    const mapped = await runtime.replaceMaps(maps.replace);
    // The overlay lookups run while the overlay holds vhosts: on once it has them, off once it is empty.
    const switched = (applied.overlay.size === 0) !== (maps.overlay.size === 0);
    if (switched) await runtime.apply([overlaySwitch(maps.overlay.size > 0)]);
    await replaceFiles(paths.configDir, maps.write);
    const patterned = await runtime.replaceAcls(patterns.replace);
    await replaceFiles(paths.configDir, patterns.write);
    await removeFiles(paths.configDir, certificates.remove);
    this.#applied = appliedAtRunTime(applied, state, servers.changed, maps);
    if (maps.replace.length > 0) {
      if (applied.overlay.size > 0 && maps.overlay.size === 0)
        log.debug({ vhosts: applied.overlay.size }, 'folded the route overlay into the route map');
      this.#queueFold(maps.overlay.size > 0);
    }
    metrics.runtimeCommands.inc(commands.length + mapped.commands + patterned.commands);
    const changed = [
      certificates.commands.length > 0 && 'certificates',
      servers.commands.length > 0 && 'servers',
      maps.replace.length > 0 && 'routes',
      patterns.replace.length > 0 && 'pattern files',
    ].filter(Boolean);
    log.info(
      { commands: commands.length + mapped.commands, roundTrips: roundTrips + mapped.roundTrips, changed },
      `applied ${changed.join(', ')} over the Runtime API`,
    );
    this.#queueDeletions(servers);
    return 'runtime';
  }

  async #reload(state: DesiredState, structure: string, reason: string): Promise<ApplyOutcome> {
    const { metrics, log, master, paths, writer } = this.#deps;
    const applied = this.#applied;
    const slots: SlotTable = new Map(
      state.backends.map((b) => [b.name, planSlots(b, applied?.slots.get(b.name))]),
    );
    const {
      result: { files, digest, result },
      choice: template,
    } = await withTemplates(this.#deps.templates, async (choice) => {
      const { files, snippetOrigins } = this.#render(state, slots, choice);
      this.#deps.afterRender?.();
      const digest = digestOf(files);
      if (this.#refused?.digest === digest) throw new ConfigLoadError(reason, this.#refused.output, true);
      return { files, digest, result: await writer.install(files, snippetOrigins) };
    });
    const shortfall = describeShortfall(fdNeed(state, slots), FD_LIMIT ?? Number.POSITIVE_INFINITY);
    this.#limitProblem = shortfall
      ? { ref: { file: 'haproxy.cfg' }, reason: 'ResourceLimit', message: shortfall, severity: 'warning' }
      : undefined;
    // Certificates written over the Runtime API path that this config no longer names.
    const installed = new Set(files.map((f) => f.path));
    await removeFiles(
      paths.configDir,
      [...this.#runtimeFiles].filter((f) => !installed.has(f)),
    );
    this.#runtimeFiles.clear();

    let outcome: ApplyOutcome;
    const process = this.#deps.process;
    if (process && !process.running) {
      await process.start();
      outcome = 'start';
    } else {
      const since = Date.now();
      try {
        await metrics.reloadDuration.time(() => master.reload());
      } catch (error) {
        if (!(error instanceof ReloadError) || !applied) throw error;
        // The master's lines reach its stderr, which only a supervising controller reads.
        if (process) await new Promise((r) => setTimeout(r, 100));
        error.output ||=
          process?.alertsSince(since) ||
          'HAProxy gave no reason here; its own log (the HAProxy container in sidecar mode) has it';
        // The old worker serves on: put back the files it runs with, so that anything
        // reading them later (a restarted HAProxy, the next runtime change) agrees with it.
        const previous = this.#render(applied.state, applied.slots, applied.template);
        await writer.install(previous.files, previous.snippetOrigins);
        this.#refused = { digest, reason, output: error.output };
        metrics.reloadFailures.inc();
        throw new ConfigLoadError(reason, error.output, false);
      }
      metrics.reloads.inc(1, { reason: reasonLabel(reason) });
      outcome = 'reload';
    }
    this.#refused = undefined;
    this.#installProblems = installProblemsOf(result);
    this.#applied = {
      state,
      structure,
      slots,
      maps: mapFilesOf(state),
      overlay: new Set(),
      template,
    };
    this.#queueFold(false);
    log.info({ reason, outcome }, outcome === 'start' ? 'HAProxy started' : 'HAProxy reloaded');
    return outcome;
  }

  #render(
    state: DesiredState,
    slots: SlotTable,
    template: TemplateChoice,
  ): { files: RenderedFile[]; snippetOrigins: SnippetOrigins } {
    const { listen, paths, fallbackPem } = this.#deps;
    const snippetOrigins: SnippetOrigins = new Map();
    const view = buildView(state, slots, listen, paths, snippetOrigins);
    return {
      files: renderFiles(state, view, paths.configDir, fallbackPem, template.compiled),
      snippetOrigins,
    };
  }

  /**
   * What the last installed config says about its input: snippets `haproxy -c`
   * refused (dropped) and its warnings. They last until the next install.
   */
  problems(): readonly Problem[] {
    return [
      ...this.#installProblems,
      ...(this.#limitProblem ? [this.#limitProblem] : []),
      ...(this.#deps.templates?.problems() ?? []),
    ];
  }

  /** Servers freed beyond a backend's headroom are deleted once they have drained. */
  /** The backends of a runtime plan that has servers to delete: only those are swept. */
  #queueDeletions(plan: { changed: ReadonlyMap<string, unknown>; deletions: readonly string[] }): void {
    if (plan.deletions.length === 0) return;
    for (const name of plan.changed.keys()) this.#sweepBackends.add(name);
    this.#scheduleSweep();
  }

  #scheduleSweep(): void {
    if (this.#sweepTimer) return;
    this.#sweepTimer = setTimeout(() => {
      this.#queue = this.#queue.then(() => this.#sweep()).catch(() => undefined);
    }, this.#deps.sweepDelayMs ?? 1000);
    this.#sweepTimer.unref();
  }

  /**
   * Folds the route overlay once routing has been quiet for a while: each routing change
   * restarts the wait (`pending`: the overlay holds vhosts), or cancels it.
   */
  #queueFold(pending: boolean): void {
    clearTimeout(this.#foldTimer);
    this.#foldTimer = undefined;
    if (!pending) return;
    this.#foldTimer = setTimeout(() => {
      this.#foldTimer = undefined;
      this.#queue = this.#queue.then(() => this.#fold()).catch(() => undefined);
    }, this.#deps.foldDelayMs ?? 2000);
    this.#foldTimer.unref();
  }

  /**
   * The route map replaced by the full entries of the applied routing, then the overlay by
   * an empty version (at every instant the two answer as the routing says), then the files.
   */
  async #fold(): Promise<void> {
    const applied = this.#applied;
    if (!applied || applied.overlay.size === 0) return;
    const { runtime, paths, log, metrics } = this.#deps;
    const maps = planAllMaps(applied.maps, applied.state, paths.configDir);
    try {
      const mapped = await runtime.replaceMaps(maps.replace);
      await runtime.apply([overlaySwitch(false)]);
      await replaceFiles(paths.configDir, maps.write);
      metrics.runtimeCommands.inc(mapped.commands + 1);
      // Only if nothing was applied meanwhile (applies and folds are queued, so this holds).
      if (this.#applied === applied) this.#applied = { ...applied, maps: maps.files, overlay: maps.overlay };
      log.debug({ vhosts: applied.overlay.size }, 'folded the route overlay into the route map');
    } catch (error) {
      log.warn({ err: error }, 'folding the route overlay failed; trying again later');
      // Which versions HAProxy holds of the two maps is unknown: the next change replaces both.
      const files = new Map(applied.maps);
      for (const path of [ROUTE_MAP, ROUTE_OVERLAY_MAP]) files.delete(path);
      if (this.#applied === applied) this.#applied = { ...applied, maps: files };
      this.#queueFold(true);
    }
  }

  async #sweep(): Promise<void> {
    this.#sweepTimer = undefined;
    const applied = this.#applied;
    if (!applied) return;
    // Free servers beyond the headroom, in the backends whose slots changed since the last sweep.
    const candidates: string[] = [];
    for (const name of this.#sweepBackends) {
      const backend = backendNamed(applied.state.backends, name);
      const slots = applied.slots.get(name);
      const excess = backend && slots ? excessSlots(backend, slots) : [];
      if (excess.length === 0) this.#sweepBackends.delete(name);
      for (const slot of excess) candidates.push(`${name}/${slot.name}`);
    }
    if (candidates.length === 0) return;
    try {
      const deleted = await this.#deps.runtime.deleteServers(candidates);
      // Only if nothing was applied meanwhile (applies and sweeps are queued, so this holds).
      if (deleted.size > 0 && this.#applied === applied) {
        for (const name of this.#sweepBackends) {
          const list = applied.slots.get(name);
          if (list?.some((s) => deleted.has(`${name}/${s.name}`)))
            applied.slots.set(
              name,
              list.filter((s) => !deleted.has(`${name}/${s.name}`)),
            );
        }
        this.#deps.metrics.runtimeCommands.inc(deleted.size);
        this.#deps.log.info({ servers: deleted.size }, 'deleted drained servers over the Runtime API');
      }
      if (deleted.size < candidates.length) this.#scheduleSweep();
    } catch (error) {
      this.#deps.log.warn({ err: error }, 'deleting drained servers failed; trying again later');
      this.#scheduleSweep();
    }
  }
}

export function installProblemsOf(result: InstallResult): Problem[] {
  const haproxyCfg = { file: 'haproxy.cfg' };
  return [
    ...result.droppedSnippets.map(
      (dropped): Problem => ({
        ref: dropped.source?.ref ?? haproxyCfg,
        ...(dropped.source && { field: dropped.source.field }),
        reason: 'SnippetIgnored',
        message: `makes haproxy -c fail; dropped, the rest of the config is installed: ${oneLine(dropped.output)}`,
        severity: 'error',
      }),
    ),
    ...result.warnings.map(
      (warning): Problem => ({
        ref: haproxyCfg,
        reason: 'ConfigWarning',
        message: warning,
        severity: 'warning',
      }),
    ),
  ];
}

const oneLine = (output: string): string =>
  output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' | ')
    .slice(0, 1000);

/**
 * What HAProxy holds after a runtime change: the changed slot lists set in the applier's
 * own table (a copy of 10,000 entries per endpoint change would cost more than the change),
 * and the state's backends as the next plan's `previous` (diff.ts).
 */
function appliedAtRunTime(
  applied: Applied,
  state: DesiredState,
  changed: ReadonlyMap<string, Slot[]>,
  maps: { files: MapFiles; overlay: ReadonlySet<string> },
): Applied {
  for (const [name, slots] of changed) applied.slots.set(name, slots);
  return { ...applied, state, maps: maps.files, overlay: maps.overlay };
}

/** Read once: the limit does not change under a running process. */
const FD_LIMIT = (() => {
  try {
    return hardFdLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
})();

const digestOf = (files: readonly RenderedFile[]): string =>
  createHash('sha256')
    .update(files.find((f) => f.path === 'haproxy.cfg')?.content ?? '')
    .digest('hex');

/** A bounded label set for the metric; the full reason is in the log line. */
function reasonLabel(reason: string): string {
  if (reason.startsWith('backend ') && reason.includes('more servers')) return 'servers';
  if (reason === 'Runtime API change failed') return 'runtime_failure';
  if (reason === 'initial config') return 'initial';
  if (reason === 'templates changed') return 'templates';
  return 'structure';
}
