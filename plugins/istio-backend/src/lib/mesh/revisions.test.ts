import {
  revisionForNewPod,
  revisionOfNamespace,
  revisionOfPod,
  revisionTagsOf,
  tagsOfRevision,
  type RevisionFacts,
} from './revisions';

const TAGS = [
  { tag: 'default', revision: '1-30' },
  { tag: 'prod', revision: '1-29' },
  { tag: 'canary', revision: '1-30' },
];
/** Two revisions, 1-29 and 1-30; `default` and `canary` point at 1-30, `prod` at 1-29. */
const facts: RevisionFacts = { revisions: ['1-29', '1-30'], tags: TAGS };
/** The same cluster when the tags could not be read. */
const tagsUnknown: RevisionFacts = { revisions: ['1-29', '1-30'] };

describe('revisionTagsOf', () => {
  it('reads tag and revision from the labels of istio-revision-tag-<tag> webhooks', () => {
    expect(
      revisionTagsOf([
        {
          metadata: {
            name: 'istio-revision-tag-prod',
            labels: { 'istio.io/tag': 'prod', 'istio.io/rev': '1-29' },
          },
        },
        {
          // Outside istio-system the name carries the namespace; the labels decide.
          metadata: {
            name: 'istio-revision-tag-default-istio-canary',
            labels: { 'istio.io/tag': 'default', 'istio.io/rev': '1-30' },
          },
        },
        { metadata: { name: 'unrelated', labels: {} } },
      ]),
    ).toEqual([
      { tag: 'default', revision: '1-30' },
      { tag: 'prod', revision: '1-29' },
    ]);
  });

  it('lists the tags of a revision, and none known when the tags are unknown', () => {
    expect(tagsOfRevision('1-30', TAGS)).toEqual(['canary', 'default']);
    expect(tagsOfRevision('1-28', TAGS)).toEqual([]);
    expect(tagsOfRevision('1-30', undefined)).toBeUndefined();
  });
});

describe('revisionForNewPod: the injection webhooks', () => {
  it.each([
    // [namespace labels, pod labels, revision]
    [{ 'istio-injection': 'enabled' }, {}, '1-30'],
    [{ 'istio-injection': 'disabled' }, {}, undefined],
    [{ 'istio.io/rev': '1-29' }, {}, '1-29'],
    [{ 'istio.io/rev': 'prod' }, {}, '1-29'],
    [{ 'istio.io/rev': 'default' }, {}, '1-30'],
    [{}, { 'istio.io/rev': 'prod' }, '1-29'],
    [{}, { 'sidecar.istio.io/inject': 'true' }, '1-30'],
    [{}, {}, undefined],
    // istio-injection hides every istio.io/rev label.
    [{ 'istio-injection': 'enabled', 'istio.io/rev': 'prod' }, {}, '1-30'],
    [{ 'istio-injection': 'disabled' }, { 'istio.io/rev': '1-29' }, undefined],
    // The namespace's istio.io/rev hides the pod's.
    [{ 'istio.io/rev': '1-30' }, { 'istio.io/rev': 'prod' }, '1-30'],
    // The pod's istio.io/rev beats its sidecar.istio.io/inject=true.
    [{}, { 'istio.io/rev': 'prod', 'sidecar.istio.io/inject': 'true' }, '1-29'],
    // sidecar.istio.io/inject=false turns injection off everywhere.
    [
      { 'istio-injection': 'enabled' },
      { 'sidecar.istio.io/inject': 'false' },
      undefined,
    ],
    [{ 'istio.io/rev': 'nothing' }, {}, undefined],
  ])('namespace %j, pod %j → %s', (ns, pod, revision) => {
    expect(revisionForNewPod({ labels: pod }, ns, facts).revision).toBe(
      revision,
    );
  });

  it('follows the default tag, else the default revision, for istio-injection=enabled', () => {
    const withoutDefaultTag = {
      revisions: ['default', '1-30'],
      tags: [{ tag: 'prod', revision: '1-30' }],
    };
    expect(
      revisionOfNamespace({ 'istio-injection': 'enabled' }, withoutDefaultTag),
    ).toEqual({
      revision: 'default',
      decidedBy: 'namespace label istio-injection=enabled',
    });
    expect(
      revisionOfNamespace({ 'istio-injection': 'enabled' }, facts),
    ).toEqual({
      revision: '1-30',
      decidedBy:
        'namespace label istio-injection=enabled (tag default → revision 1-30)',
    });
    // No default revision and no default tag: no webhook injects.
    expect(
      revisionOfNamespace(
        { 'istio-injection': 'enabled' },
        { revisions: ['1-30'], tags: [] },
      ).revision,
    ).toBeUndefined();
  });

  it('lets the pod label win when the webhooks are set up for it', () => {
    expect(
      revisionForNewPod(
        { labels: { 'istio.io/rev': 'prod' } },
        { 'istio.io/rev': '1-30' },
        { ...facts, podLabelFirst: true },
      ).revision,
    ).toBe('1-29');
  });

  it('is unknown, never "no tags", when the tags could not be read', () => {
    const prod = revisionOfNamespace({ 'istio.io/rev': 'prod' }, tagsUnknown);
    expect(prod).toEqual({
      decidedBy:
        'namespace label istio.io/rev=prod: the revision tags could not be read, so the revision it names is unknown',
      unknown: true,
    });
    // A default tag may exist: istio-injection=enabled is unknown too.
    expect(
      revisionOfNamespace({ 'istio-injection': 'enabled' }, tagsUnknown)
        .unknown,
    ).toBe(true);
    // An installed revision's name cannot be a tag's (except default): certain.
    expect(
      revisionOfNamespace({ 'istio.io/rev': '1-29' }, tagsUnknown).revision,
    ).toBe('1-29');
    // With the default revision alone, any default tag could only point at it.
    expect(
      revisionOfNamespace(
        { 'istio-injection': 'enabled' },
        { revisions: ['default'] },
      ).revision,
    ).toBe('default');
  });
});

describe('revisionOfPod: a running proxy', () => {
  it('takes the revision that injected it from sidecar.istio.io/status', () => {
    expect(
      revisionOfPod(
        {
          metadata: {
            annotations: {
              'sidecar.istio.io/status': '{"revision":"1-29","containers":[]}',
            },
            labels: { 'istio.io/rev': 'canary' },
          },
        },
        { 'istio-injection': 'enabled' },
        facts,
      ),
    ).toEqual({
      revision: '1-29',
      decidedBy: 'pod annotation sidecar.istio.io/status',
    });
  });

  it('else its istio.io/rev label (a tag resolved), else what the labels select now', () => {
    expect(
      revisionOfPod(
        { metadata: { labels: { 'istio.io/rev': 'canary' } } },
        undefined,
        facts,
      ).revision,
    ).toBe('1-30');
    const now = revisionOfPod(
      { metadata: { annotations: { 'sidecar.istio.io/status': 'not json' } } },
      { 'istio.io/rev': 'prod' },
      facts,
    );
    expect(now.revision).toBe('1-29');
    expect(now.decidedBy).toContain('what its labels select now');
  });
});
