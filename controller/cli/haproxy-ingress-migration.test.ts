import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ALL_KEYS } from '../model/settings/keys.ts';
import {
  FLAG_NOTES,
  flagVerdict,
  haproxyIngressMigrationDoc,
  KEY_NOTES,
  keyVerdict,
  REFERENCE_FLAG_NAMES,
  REFERENCE_KEYS,
} from './haproxy-ingress-migration.ts';

describe('migrating from the reference controller', () => {
  it('says what happens to every reference key and flag', () => {
    assert.deepEqual(
      Object.keys(REFERENCE_KEYS).filter((k) => !keyVerdict(k)),
      [],
      'a reference key neither in the registry nor in KEY_NOTES',
    );
    assert.deepEqual(
      REFERENCE_FLAG_NAMES.filter((f) => !flagVerdict(f)),
      [],
      'a reference flag neither in FLAGS nor in FLAG_NOTES',
    );
  });

  it('explains only what the code does not already say', () => {
    const known = new Set(Object.values(ALL_KEYS).flatMap((k) => [k.name, ...(k.aliases ?? [])]));
    assert.deepEqual(
      Object.keys(KEY_NOTES).filter((k) => known.has(k)),
      [],
      'a key the registry now holds: drop its note',
    );
    assert.deepEqual(
      Object.keys(FLAG_NOTES).filter((f) => flagVerdict(f)?.here),
      [],
      'a flag the controller now takes: drop its note',
    );
  });

  it('maps the deprecated and aliased names onto ours', () => {
    assert.equal(keyVerdict('whitelist')?.status, 'mapped');
    assert.equal(keyVerdict('http-server-close')?.status, 'mapped');
    assert.equal(keyVerdict('scale-server-slots')?.here, '`servers-increment`');
    assert.equal(flagVerdict('sync-period')?.status, 'mapped');
    assert.equal(flagVerdict('prometheus')?.status, 'refused');
    assert.equal(flagVerdict('pprof')?.status, 'refused');
  });

  it('docs/migrate-from-haproxy-ingress.md is current (run `npm run docs`)', () => {
    const doc = readFileSync(new URL('../../docs/migrate-from-haproxy-ingress.md', import.meta.url), 'utf8');
    assert.equal(doc, haproxyIngressMigrationDoc());
  });
});
