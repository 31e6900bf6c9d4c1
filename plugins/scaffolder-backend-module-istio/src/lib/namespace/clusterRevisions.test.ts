import { describeRevisionChoice } from './clusterRevisions';

const found = {
  revisions: [
    { name: 'default', namespace: 'istio-system', version: '1.26.4' },
    { name: 'canary', namespace: 'istio-system', version: '1.27.1' },
  ],
  tags: [
    { tag: 'prod-stable', revision: 'default' },
    { tag: 'dangling', revision: 'gone' },
  ],
};

describe('describeRevisionChoice', () => {
  it('describes a revision the cluster runs', () => {
    expect(describeRevisionChoice('canary', found)).toBe(
      'istio.io/rev=canary: injected by revision canary (istiod in istio-system, Istio 1.27.1)',
    );
  });

  it('describes a tag and the revision it points to', () => {
    expect(describeRevisionChoice('prod-stable', found)).toBe(
      'istio.io/rev=prod-stable: tag prod-stable → revision default (istiod in istio-system, Istio 1.26.4)',
    );
  });

  it('refuses a revision the cluster does not have, naming those it has', () => {
    expect(() => describeRevisionChoice('1-28-0', found)).toThrow(
      "The cluster has no control-plane revision or tag '1-28-0'; it has default, canary, prod-stable (tag), dangling (tag)",
    );
  });

  it('refuses a tag whose revision has no istiod', () => {
    expect(() => describeRevisionChoice('dangling', found)).toThrow(
      "Revision tag 'dangling' points to revision 'gone', which has no istiod on the cluster",
    );
  });

  it('says when the cluster runs no istiod at all', () => {
    expect(() =>
      describeRevisionChoice('canary', { revisions: [], tags: [] }),
    ).toThrow(/it has no istiod$/);
  });
});
