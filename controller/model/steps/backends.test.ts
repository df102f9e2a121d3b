/** The backends step: snippets removed unless allowed, TCP services joined, stable objects across passes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refLabel } from '../../store/problems.ts';
import { ModelMemo } from '../memo.ts';
import { backends } from './backends.ts';
import { builderBefore, configMap, ingress, service, snapshotOf } from './step-fixtures.ts';

type Obj = Record<string, unknown>;

const SNIPPET = { 'haproxy.org/backend-config-snippet': 'http-request set-header X-Snippet 1' };
const OBJECTS: Obj[] = [service('web', SNIPPET), ingress('web', { host: 'web.example', service: 'web' })];

describe('backends step', () => {
  it('removes snippets and reports where each was set, unless snippets are allowed', () => {
    const builder = builderBefore('backends', OBJECTS);
    assert.ok(builder.routes.backends[0]?.snippet, 'the routes step resolved the snippet');
    const result = backends.run(builder);
    assert.equal(result.settled[0]?.snippet, undefined);
    assert.equal(result.list[0]?.snippet, undefined);
    assert.deepEqual(
      builder.problems.map((p) => [refLabel(p.ref), p.field]),
      [['Service default/web', 'haproxy.org/backend-config-snippet']],
    );

    const allowed = builderBefore('backends', OBJECTS, { allowConfigSnippets: true });
    const kept = backends.run(allowed);
    assert.deepEqual(kept.list[0]?.snippet?.lines, ['http-request set-header X-Snippet 1']);
    assert.deepEqual(allowed.problems, []);
  });

  it('TCP services add their backends to the list, sorted by name, but not to the settled ones', () => {
    const builder = builderBefore(
      'backends',
      [...OBJECTS, service('db', {}, 'data'), configMap({ '5432': 'data/db:80' }, 'ingress/tcp')],
      { tcpServicesConfigMap: 'ingress/tcp', allowConfigSnippets: true },
    );
    const result = backends.run(builder);
    assert.deepEqual(
      result.list.map((b) => b.name),
      ['default_web_80', 'tcp-5432_data_db_80'],
    );
    assert.deepEqual(
      result.settled.map((b) => b.name),
      ['default_web_80'],
    );
    assert.deepEqual(
      result.tcp.services.map((s) => [s.port, s.backend]),
      [[5432, 'tcp-5432_data_db_80']],
    );
  });

  it('hands back the previous pass’s backend where nothing in it changed', () => {
    const memo = new ModelMemo();
    const objects = [service('web'), ingress('web', { host: 'web.example', service: 'web' })];
    const snapshot = snapshotOf(objects);
    const first = backends.run(builderBefore('backends', snapshot, {}, memo));
    const second = backends.run(builderBefore('backends', snapshot, {}, memo));
    assert.equal(second.list[0], first.list[0]);
    const changed = backends.run(
      builderBefore(
        'backends',
        [service('web', { 'haproxy.org/timeout-server': '7s' }), ...objects.slice(1)],
        {},
        memo,
      ),
    );
    assert.notEqual(changed.list[0], first.list[0]);
    assert.equal(changed.list[0]?.settings.timeoutServer, '7s');
  });
});
