import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namespaceLabels, selects } from './label-selector.ts';

const selector = (
  matchLabels: Record<string, string>,
  matchExpressions: { key: string; operator: string; values?: string[] }[] = [],
) => ({
  matchLabels,
  matchExpressions: matchExpressions.map((e) => ({ ...e, values: e.values ?? [] })),
});

describe('label selectors on namespaces', () => {
  const labels = { team: 'shop', env: 'prod' };

  it('matchLabels must all hold', () => {
    assert.equal(selects(selector({ team: 'shop' }), labels), true);
    assert.equal(selects(selector({ team: 'shop', env: 'dev' }), labels), false);
    assert.equal(selects(selector({}), labels), true);
  });

  it('matchExpressions: In, NotIn, Exists, DoesNotExist', () => {
    assert.equal(
      selects(selector({}, [{ key: 'env', operator: 'In', values: ['prod', 'qa'] }]), labels),
      true,
    );
    assert.equal(selects(selector({}, [{ key: 'env', operator: 'NotIn', values: ['prod'] }]), labels), false);
    assert.equal(selects(selector({}, [{ key: 'tier', operator: 'NotIn', values: ['x'] }]), labels), true);
    assert.equal(selects(selector({}, [{ key: 'team', operator: 'Exists' }]), labels), true);
    assert.equal(selects(selector({}, [{ key: 'team', operator: 'DoesNotExist' }]), labels), false);
  });

  it('a selector that cannot be evaluated selects nothing definite', () => {
    assert.equal(
      selects(selector({}, [{ key: 'env', operator: 'Matches', values: ['x'] }]), labels),
      undefined,
    );
    assert.equal(selects(selector({}, [{ key: 'env', operator: 'In' }]), labels), undefined);
  });

  it('a namespace never seen still carries its name label', () => {
    const snapshot = { namespaces: new Map() };
    assert.deepEqual(namespaceLabels(snapshot, 'shop'), { 'kubernetes.io/metadata.name': 'shop' });
  });
});
