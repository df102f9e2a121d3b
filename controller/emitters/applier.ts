/**
 * Brings HAProxy to the desired state the cheapest safe way: Runtime API
 * commands when only pods or certificates changed, otherwise render → validate → install →
 * reload (or first start). Remembers what HAProxy has applied.
 */
import type { Logger } from 'pino';
import type { MasterCli } from '../haproxy/master-cli.ts';
import type { HAProxyProcess } from '../haproxy/process.ts';
import type { RuntimeApi } from '../haproxy/runtime-api.ts';
import type { Metrics } from '../http/metrics.ts';
import type { DesiredState } from '../model/types.ts';
import { renderFiles } from './config/render.ts';
import { buildView, type Listen, type Paths } from './config/view.ts';
import type { ConfigWriter } from './config/writer.ts';
import { removeFiles, replaceFiles } from './runtime/certificate-files.ts';
import { planCertificates } from './runtime/certificates.ts';
import { planRuntime } from './runtime/diff.ts';
import { planSlots, type SlotTable } from './runtime/slots.ts';
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
}

export type ApplyOutcome = 'unchanged' | 'runtime' | 'reload' | 'start';

interface Applied {
  state: DesiredState;
  structure: string;
  slots: SlotTable;
}

export class Applier {
  readonly #deps: ApplierDeps;
  #applied: Applied | undefined;
  /** Files written beside a Runtime API update since the last install. */
  readonly #runtimeFiles = new Set<string>();

  constructor(deps: ApplierDeps) {
    this.#deps = deps;
  }

  /** Forget what HAProxy has (it restarted): the next apply renders and reloads everything. */
  invalidate(): void {
    this.#applied = undefined;
  }

  async apply(state: DesiredState): Promise<ApplyOutcome> {
    const { metrics, log } = this.#deps;
    const structure = structureOf(state);
    const applied = this.#applied;
    let reason: string;
    if (applied && applied.structure === structure) {
      const plan = planRuntime(applied.slots, state.backends);
      if (plan.kind === 'runtime') {
        const certificates = planCertificates(applied.state.tls, state.tls, this.#deps.paths.configDir);
        const commands = [...certificates.commands, ...plan.commands];
        if (commands.length === 0 && certificates.write.length === 0) {
          this.#applied = { state, structure, slots: plan.slots };
          return 'unchanged';
        }
        try {
          // Files first: a reload after this point loads the same certificates the worker serves.
          await replaceFiles(this.#deps.paths.configDir, certificates.write);
          for (const file of certificates.write) this.#runtimeFiles.add(file.path);
          const { roundTrips } = await this.#deps.runtime.apply(commands);
          await removeFiles(this.#deps.paths.configDir, certificates.remove);
          this.#applied = { state, structure, slots: plan.slots };
          metrics.runtimeCommands.inc(commands.length);
          log.info(
            {
              commands: commands.length,
              certificateCommands: certificates.commands.length,
              roundTrips,
            },
            certificates.commands.length
              ? 'applied certificate and endpoint changes over the Runtime API'
              : 'applied endpoint changes over the Runtime API',
          );
          return 'runtime';
        } catch (error) {
          reason = 'Runtime API change failed';
          // The error names the command line only; certificate payloads are never logged.
          log.warn({ err: error }, 'Runtime API change failed; reloading instead');
        }
      } else reason = plan.reason;
    } else reason = describeChange(applied?.state, state);

    const slots: SlotTable = new Map(
      state.backends.map((b) => [b.name, planSlots(b, applied?.slots.get(b.name))]),
    );
    const { listen, paths, writer, fallbackPem } = this.#deps;
    const files = renderFiles(state, buildView(state, slots, listen, paths), paths.configDir, fallbackPem);
    await writer.install(files);
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
      await metrics.reloadDuration.time(() => this.#deps.master.reload());
      metrics.reloads.inc(1, { reason: reasonLabel(reason) });
      outcome = 'reload';
    }
    this.#applied = { state, structure, slots };
    log.info({ reason, outcome }, outcome === 'start' ? 'HAProxy started' : 'HAProxy reloaded');
    return outcome;
  }
}

/** A bounded label set for the metric; the full reason is in the log line. */
function reasonLabel(reason: string): string {
  if (reason.startsWith('backend ') && reason.includes('more servers')) return 'servers';
  if (reason === 'Runtime API change failed') return 'runtime_failure';
  if (reason === 'initial config') return 'initial';
  return 'structure';
}
