/**
 * What the README's two commands install: `make demo` only what the demo needs (HAProxy,
 * openssl), `make test` also etcd and the Go toolchain go.mod asks for. The scripts run for
 * real, on a PATH that holds only the tools they use and an apt-get that records its
 * arguments, so no package is installed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOOLS = ['id', 'sed', 'sort', 'head', 'tail', 'uname', 'tr', 'grep', 'dirname', 'cat'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sh(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      '/bin/sh',
      [join(ROOT, 'scripts', script), ...args],
      { env, cwd: ROOT },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The `go` version the test modules ask for: the newest `go` line of e2e/*\/go.mod. */
async function goModVersion(): Promise<string> {
  const versions = await Promise.all(
    ['kube-apiserver', 'helm'].map(async (dir) => {
      const text = await readFile(join(ROOT, 'e2e', dir, 'go.mod'), 'utf8');
      return /^go (\S+)$/m.exec(text)?.[1] ?? '0';
    }),
  );
  return versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1) as string;
}

describe('setup scripts', () => {
  let dir: string;
  let bin: string;
  let aptLog: string;

  const tool = async (name: string, body: string) => {
    const path = join(bin, name);
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
  };
  const env = (extra: Record<string, string> = {}) => ({ PATH: bin, APT_LOG: aptLog, ...extra });
  const installed = async () =>
    (await readFile(aptLog, 'utf8').catch(() => ''))
      .split('\n')
      .filter((l) => l.startsWith('install'))
      .flatMap((l) => l.split(' ').filter((w) => !w.startsWith('-') && w !== 'install'));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hsi-setup-'));
    bin = join(dir, 'bin');
    aptLog = join(dir, 'apt.log');
    await mkdir(bin);
    for (const name of TOOLS) {
      const found = ['/usr/bin', '/bin'].map((d) => join(d, name)).find((path) => existsSync(path));
      await symlink(found as string, join(bin, name));
    }
    await tool('apt-get', 'echo "$*" >> "$APT_LOG"');
    await tool('sudo', 'exec "$@"');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('for the demo: HAProxy and openssl only', async () => {
    await rm(aptLog, { force: true });
    const run = await sh('install-system-deps.sh', [], env());
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await installed(), ['haproxy', 'openssl']);
  });

  it('for the tests: etcd as well', async () => {
    await rm(aptLog, { force: true });
    const run = await sh('install-system-deps.sh', ['test'], env());
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await installed(), ['haproxy', 'openssl', 'etcd-server']);
  });

  it('nothing when everything is there', async () => {
    await rm(aptLog, { force: true });
    for (const name of ['haproxy', 'openssl', 'etcd']) await tool(name, 'exit 0');
    const run = await sh('install-system-deps.sh', ['test'], env());
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await installed(), []);
    for (const name of ['haproxy', 'openssl', 'etcd']) await rm(join(bin, name));
  });

  it('the lockfile lists every optional package npm would add, so installing never rewrites it', async () => {
    const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { optionalDependencies?: Record<string, string> }>;
    };
    /** Where Node would find `dep` from the package at `path`: its own node_modules, then each parent's. */
    const resolves = (path: string, dep: string) => {
      for (let at = path; ; at = at.slice(0, Math.max(0, at.lastIndexOf('/node_modules/')))) {
        if (`${at ? `${at}/` : ''}node_modules/${dep}` in lock.packages) return true;
        if (!at) return false;
      }
    };
    const missing = Object.entries(lock.packages).flatMap(([path, meta]) =>
      Object.keys(meta.optionalDependencies ?? {})
        .filter((dep) => !resolves(path, dep))
        .map((dep) => `${path || 'the project'} → ${dep}`),
    );
    assert.deepEqual(missing, []);
    assert.match(await readFile(join(ROOT, 'Makefile'), 'utf8'), /^\tnpm ci /m, 'make installs with npm ci');
  });

  describe('the Go toolchain', () => {
    const withGo = async (version: string, extra: Record<string, string> = {}) => {
      await tool('go', `echo go${version}`);
      try {
        return await sh('install-go.sh', ['--check'], env({ INSTALL_GO_DIR: join(dir, 'no-go'), ...extra }));
      } finally {
        await rm(join(bin, 'go'));
      }
    };

    it('is taken as it is when it is as new as go.mod asks', async () => {
      const run = await withGo(`${await goModVersion()}`);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trim(), join(bin, 'go'));
    });

    it('from Go 1.21 on, an older one fetches what go.mod asks by itself, unless GOTOOLCHAIN=local', async () => {
      assert.equal((await withGo('1.21.0')).code, 0);
      const local = await withGo('1.21.0', { GOTOOLCHAIN: 'local' });
      assert.equal(local.code, 1);
      assert.match(
        local.stderr,
        new RegExp(`the tests need go${(await goModVersion()).replaceAll('.', '\\.')}`),
      );
    });

    it('refuses one too old to fetch a newer toolchain, saying why', async () => {
      const run = await withGo('1.19.8');
      assert.equal(run.code, 1);
      assert.match(run.stderr, /is go1\.19\.8; the tests need go/);
    });

    it('is installed from the Go module proxy when there is none', async () => {
      const run = await sh('install-go.sh', ['--check'], env({ INSTALL_GO_DIR: join(dir, 'no-go') }));
      assert.equal(run.code, 1);
      const need = await goModVersion();
      assert.match(
        run.stderr,
        new RegExp(
          `would install go${need.replaceAll('.', '\\.')} into .*/no-go from https://proxy\\.golang\\.org/golang\\.org/toolchain/@v/v0\\.0\\.1-go${need.replaceAll('.', '\\.')}\\.linux-`,
        ),
      );
    });
  });
});
