import { policyRulesFromYaml } from './rbacYaml';

describe('policyRulesFromYaml', () => {
  it('reads the rules of ClusterRole and Role documents', () => {
    const rules = policyRulesFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader }
rules:
  - apiGroups: ["", apps]
    resources: [pods, deployments]
    verbs: [get, list, watch]
  - nonResourceURLs: [/healthz]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: one, namespace: a }
rules:
  - apiGroups: [""]
    resources: [configmaps]
    resourceNames: [istio]
    verbs: [get]
`);
    expect(rules).toEqual([
      {
        apiGroups: ['', 'apps'],
        resources: ['pods', 'deployments'],
        verbs: ['get', 'list', 'watch'],
      },
      {
        apiGroups: [''],
        resources: ['configmaps'],
        verbs: ['get'],
        resourceNames: ['istio'],
      },
    ]);
  });

  it('refuses other kinds and malformed rules', () => {
    expect(() =>
      policyRulesFromYaml(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
      ),
    ).toThrow(/ClusterRole or Role/);
    expect(() =>
      policyRulesFromYaml(
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: x}\nrules:\n  - resources: [pods]\n    verbs: [get]\n',
      ),
    ).toThrow(/apiGroups/);
  });
});
