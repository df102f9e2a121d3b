#!/usr/bin/env node
import { mkdir, stat } from 'node:fs/promises';
/**
 * haproxy-sidecar-ingress: wires sources → store → model → emitters, serves the
 * controller endpoints, and runs (or drives) HAProxy until told to stop.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DemoPods } from '../demo/demo-pods.ts';
import { Applier } from '../emitters/applier.ts';
import { fallbackCertificate } from '../emitters/config/fallback-certificate.ts';
import { UserTemplates } from '../emitters/config/user-templates.ts';
import { ConfigWriter } from '../emitters/config/writer.ts';
import { type RoundTrip, roundTripChannel } from '../haproxy/cli-socket.ts';
import { MasterCli } from '../haproxy/master-cli.ts';
import { MasterWatch } from '../haproxy/master-watch.ts';
import { HAProxyProcess } from '../haproxy/process.ts';
import { RuntimeApi } from '../haproxy/runtime-api.ts';
import { Metrics } from '../http/metrics.ts';
import { startControllerServer } from '../http/server.ts';
import { createLogger } from '../log.ts';
import { IdleCollector } from '../reconcile/idle-gc.ts';
import { ReconcileLoop } from '../reconcile/loop.ts';
import { ManifestsSource } from '../sources/manifests/manifests-source.ts';
import type { Source } from '../sources/source.ts';
import { Store } from '../store/store.ts';
import { VERSION } from '../version.ts';
import { collectionLine } from './collection-line.ts';
import { lintCommand } from './lint.ts';
import { migrateCommand } from './migrate.ts';
import { listenOf, modelOptionsOf } from './model-options.ts';
import { helpText, type Options, parseOptions, UsageError } from './options.ts';
import { referenceFlagNotices } from './reference-flags.ts';
import { renderCommand } from './render.ts';

const DEMO_MANIFESTS = fileURLToPath(new URL('../../manifests/demo/', import.meta.url));

/**
 * Starts the controller; resolves to the function that stops it. `onFatal` is told of an
 * error the controller cannot work past (HAProxy cannot start: a port in use).
 */
export async function run(
  options: Options,
  onFatal: (error: Error) => void = () => {},
): Promise<() => Promise<void>> {
  const log = createLogger(options.log);
  for (const notice of referenceFlagNotices(options)) log.info(notice);
  const manifestsDir = options.manifests ?? (options.demo ? DEMO_MANIFESTS : undefined);
  if (options.manifests && !(await isDirectory(options.manifests)))
    throw new UsageError(`--manifests ${options.manifests}: no such directory`);
  if (options.templates && !(await isDirectory(options.templates)))
    throw new UsageError(`--templates ${options.templates}: no such directory`);
  const templates = options.templates ? new UserTemplates(options.templates) : undefined;
  await templates?.read();
  const modelOptions = modelOptionsOf(options, manifestsDir !== undefined);
  const metrics = new Metrics();
  // The Kubernetes client library is loaded in cluster mode only: local mode runs without it.
  const cluster = manifestsDir
    ? undefined
    : (await import('./cluster-mode.ts')).connectToCluster(options, modelOptions, metrics, log);
  const configDir = options['config-dir'];
  const runtimeDir = options['runtime-dir'];
  await mkdir(configDir, { recursive: true });
  await mkdir(runtimeDir, { recursive: true, mode: 0o700 });
  const fallbackPem = await fallbackCertificate(join(configDir, 'fallback', 'default-selfsigned.pem'));

  let ipv6 = !options['disable-ipv6'];
  if (ipv6 && !(await canListenOn(options['ipv6-bind-address']))) {
    log.warn(
      { address: options['ipv6-bind-address'] },
      'IPv6 is not available on this host; listening on IPv4 only',
    );
    ipv6 = false;
  }

  const store = new Store();
  const manifests = cluster ? undefined : new ManifestsSource(manifestsDir ?? '', log);
  const source: Source = cluster?.source ?? (manifests as ManifestsSource);
  const masterSocket = options['haproxy-master-socket'] ?? join(runtimeDir, 'master.sock');
  const statsSocket = join(runtimeDir, 'haproxy.sock');
  const observeRoundTrip = (message: unknown) => {
    const trip = message as RoundTrip;
    if (trip.socket === statsSocket) metrics.runtimeRoundTrip.observe(trip.seconds);
  };
  roundTripChannel.subscribe(observeRoundTrip);
  const haproxy = options['haproxy-master-socket']
    ? undefined
    : new HAProxyProcess(
        {
          bin: options['haproxy-bin'],
          configPath: join(configDir, 'haproxy.cfg'),
          masterSocket,
          stopTimeoutMs: options['stop-timeout'],
        },
        log.child({ component: 'haproxy' }),
      );
  const idleCollector = new IdleCollector(log.child({ component: 'memory' }));
  const applier = new Applier({
    writer: new ConfigWriter(configDir, options['haproxy-bin']),
    runtime: new RuntimeApi(statsSocket),
    master: new MasterCli(masterSocket),
    process: haproxy,
    listen: listenOf(options, ipv6),
    paths: { configDir, statsSocket },
    fallbackPem,
    metrics,
    log: log.child({ component: 'applier' }),
    templates,
    afterRender: () => idleCollector.rendered(),
  });
  const loop = new ReconcileLoop(store, modelOptions, applier, metrics, log, {
    debounceMs: options['sync-debounce'],
    maxDelayMs: Math.max(100, options['sync-debounce'] * 10),
    onModel: cluster && ((state, snapshot) => cluster.reporter.update(state, snapshot)),
    afterPass: (seconds) => idleCollector.passDone(seconds),
    afterModel: (seconds) => idleCollector.modelBuilt(seconds),
  });
  // A fresh HAProxy only knows haproxy.cfg as last written: give it the full current state.
  const resync = () => {
    applier.invalidate();
    loop.markDirty(0);
  };
  haproxy?.on('restarted', resync);
  templates?.on('change', () => loop.markDirty(0));
  await templates?.watch();
  haproxy?.on('failed', onFatal);
  const masterWatch = haproxy ? undefined : new MasterWatch(new MasterCli(masterSocket));
  masterWatch?.on('replaced', (pid) => {
    log.warn({ pid }, 'the HAProxy container was restarted; applying the full state again');
    resync();
  });
  masterWatch?.start();

  const http = await startControllerServer(
    options['controller-port'],
    options['controller-address'],
    metrics,
    {
      ready: () => {
        // The same shape in both modes: the state, then the sources (cluster mode adds the leader).
        const sources = cluster?.describe() ?? [
          `manifests: ${manifestsDir}`,
          ...(manifests?.status().map(collectionLine) ?? []),
        ];
        const detail = [loop.served ? 'ok' : 'waiting for the first config', ...sources];
        return { ready: loop.served, detail: detail.join('\n') };
      },
    },
  );

  cluster?.elector.start();
  await source.start(store);
  const demoPods = options.demo ? new DemoPods(store, log) : undefined;
  await demoPods?.start();
  loop.start();
  log.info(
    { source: manifestsDir ?? cluster?.client.server.origin, configDir, runtimeDir },
    'controller started',
  );

  return async () => {
    log.info('shutting down');
    await source.stop();
    await templates?.close();
    masterWatch?.stop();
    await loop.stop();
    idleCollector.stop();
    await cluster?.reporter.stop();
    await cluster?.elector.stop();
    cluster?.client.close();
    await haproxy?.stop();
    await demoPods?.stop();
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
    roundTripChannel.unsubscribe(observeRoundTrip);
    log.info('stopped');
    log.flush();
  };
}

const isDirectory = (path: string): Promise<boolean> =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );

/** Whether this host can listen on an IPv6 address at all (containers often cannot). */
function canListenOn(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: address, port: 0, ipv6Only: true }, () => probe.close(() => resolve(true)));
  });
}

async function main(): Promise<void> {
  if (process.argv[2] === 'render') process.exit(await renderCommand(process.argv.slice(3)));
  if (process.argv[2] === 'lint') process.exit(await lintCommand(process.argv.slice(3)));
  if (process.argv[2] === 'migrate') process.exit(await migrateCommand(process.argv.slice(3)));
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${helpText()}`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(helpText());
    return;
  }
  if (options.version) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  let stop: () => Promise<void>;
  let stopping = false;
  const shutdown = (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(code),
      (error) => {
        process.stderr.write(`shutdown after ${reason} failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  try {
    stop = await run(options, (error) => {
      process.stderr.write(`haproxy-sidecar-ingress: ${error.message}\n`);
      shutdown(error.message, 1);
    });
  } catch (error) {
    process.stderr.write(`haproxy-sidecar-ingress: ${(error as Error).message}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
  if (options.demo) printDemoHelp(options);
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // The terminal closed: HAProxy, in its own process group, would not hear of it.
  process.on('SIGHUP', () => shutdown('SIGHUP'));
}

function printDemoHelp(options: Options): void {
  const http = options['http-bind-port'];
  const https = options['https-bind-port'];
  process.stdout.write(
    [
      '',
      'Demo running. Try:',
      `  curl -H 'Host: foo.bar' http://127.0.0.1:${http}/`,
      `  curl -H 'Host: foo.bar' http://127.0.0.1:${http}/api/users`,
      `  curl -H 'Host: anything.demo.local' http://127.0.0.1:${http}/`,
      `  curl -k --resolve foo.bar:${https}:127.0.0.1 https://foo.bar:${https}/`,
      `  curl -H 'Host: gateway.demo.local' http://127.0.0.1:${http}/      # HTTPRoute: app 80%, api 20%`,
      `  curl -H 'Host: gateway.demo.local' -H 'x-canary: yes' http://127.0.0.1:${http}/`,
      `  curl -H 'Host: unknown.example' http://127.0.0.1:${http}/      # 404 from the default backend`,
      `Stats page:        http://127.0.0.1:${options['stats-bind-port']}/`,
      `HAProxy metrics:   http://127.0.0.1:${options['stats-bind-port']}/metrics`,
      `Controller:        http://127.0.0.1:${options['controller-port']}/metrics  /readyz  /healthz`,
      `Config:            ${options['config-dir']}/haproxy.cfg`,
      'Edit the files in manifests/demo/ and watch the changes apply. Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

if (
  process.argv[1] &&
  fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1])
) {
  await main();
}
