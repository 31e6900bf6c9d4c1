// istio:version:check: the verdict for a given pair, and for a Kubernetes version read
// from the demo cluster over real HTTPS (with the configured credentials), including
// the cluster failing or hanging.
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { DemoCluster } from '@istio-backstage/demo-cluster';
import {
  ISTIO_SUPPORT_MATRIX,
  mergeSupportMatrix,
} from '@istio-backstage/plugin-istio-common';
import { validate } from 'jsonschema';
import yaml from 'yaml';
import {
  clusterAccessFor,
  startTestDemoCluster,
} from '../__testUtils__/demoClusters';
import { createCheckVersionAction } from './checkVersion';
import { examples } from './checkVersion.examples';

jest.setTimeout(30_000);

let demo: DemoCluster;
beforeAll(async () => {
  demo = await startTestDemoCluster();
});
afterAll(() => demo?.stop());
afterEach(() => demo.setFaults([]));

const now = () => new Date('2026-11-25T00:00:00Z');
const action = createCheckVersionAction({ now });
const withCluster = () =>
  createCheckVersionAction({
    now,
    clusters: clusterAccessFor([
      { name: 'demo', demo, token: 'demo-reader-token' },
    ]),
  });

function inputOf(example: { example: string }) {
  return yaml.parse(example.example).steps[0].input;
}

type Ctx = ActionContext<any, any>;

/** Runs the action once; answers its outputs by name. */
async function run(
  target: ReturnType<typeof createCheckVersionAction>,
  input: Record<string, unknown>,
  overrides: Partial<Ctx> = {},
) {
  const ctx: Ctx = {
    ...createMockActionContext<Ctx['input']>({ input }),
    ...overrides,
  };
  await target.handler(ctx);
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the action to fail');
}

describe('istio:version:check', () => {
  it('outputs supported for a supported pair', async () => {
    const ctx = createMockActionContext({
      input: { istioVersion: '1.30.1', kubernetesVersion: 'v1.33.2' },
    });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('verdict', 'supported');
    expect(ctx.output).toHaveBeenCalledWith('reasons', []);
    expect(ctx.output).toHaveBeenCalledWith('kubernetesTested', '1.32–1.36');
    expect(ctx.output).toHaveBeenCalledWith('kubernetesVersion', 'v1.33.2');
    expect(ctx.output).toHaveBeenCalledWith('kubernetesVersionSource', 'input');
  });

  it('fails the task for Istio 1.11 on Kubernetes 1.18: Istio 1.11 has been end of life since 2022', async () => {
    const ctx = createMockActionContext({ input: inputOf(examples[0]) });
    await expect(action.handler(ctx)).rejects.toThrow(
      /Istio 1.11.7 is not supported on Kubernetes v1.18.20: Istio 1.11 reached end of life on 2022-03-25/,
    );
    expect(ctx.output).toHaveBeenCalledWith('verdict', 'unsupported');
  });

  it('only reports when failIfUnsupported is false (second example)', async () => {
    const ctx = createMockActionContext({ input: inputOf(examples[1]) });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('verdict', 'unsupported');
    expect(ctx.output).toHaveBeenCalledWith('reasons', [
      'Kubernetes 1.37 is newer than the versions Istio 1.30 is tested on (1.32–1.36)',
    ]);
  });

  it('says unknown, without failing, for a release the matrix does not know', async () => {
    const ctx = createMockActionContext({
      input: { istioVersion: '1.99.0', kubernetesVersion: '1.34' },
    });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('verdict', 'unknown');
    expect(ctx.output).toHaveBeenCalledWith('reasons', [
      expect.stringContaining(
        "newer than this plugin's support matrix (as of 2026-11-01",
      ),
    ]);
  });

  describe('after an estimated end of life (Istio 1.30, expected 2026-11-30)', () => {
    const december = createCheckVersionAction({
      now: () => new Date('2026-12-06T12:00:00Z'),
    });

    it("outputs 'check' with the estimate and does not fail, even with failIfUnsupported", async () => {
      const ctx = createMockActionContext({
        input: {
          istioVersion: '1.30.1',
          kubernetesVersion: 'v1.33.2',
          failIfUnsupported: true,
        },
      });
      const warn = jest.spyOn(ctx.logger, 'warn');
      await december.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith('verdict', 'check');
      expect(ctx.output).toHaveBeenCalledWith('reasons', [
        "Istio 1.30's end of life was expected around 2026-11-30 and has likely passed; check istio.io's supported releases",
      ]);
      expect(ctx.output).toHaveBeenCalledWith('endOfLife', '2026-11-30');
      expect(ctx.output).toHaveBeenCalledWith('endOfLifeExpected', true);
      expect(ctx.output).toHaveBeenCalledWith('matrixAsOf', '2026-11-01');
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Istio 1.30.1 on Kubernetes v1.33.2: check \(Istio 1.30's end of life was expected around 2026-11-30/,
        ),
      );
    });

    it('knows a release the adopter added under istio.supportMatrix', async () => {
      const withRows = createCheckVersionAction({
        now: () => new Date('2026-12-06T12:00:00Z'),
        supportMatrix: mergeSupportMatrix(ISTIO_SUPPORT_MATRIX, [
          {
            istio: '1.31',
            released: '2026-08-12',
            endOfLife: '2027-03-31',
            kubernetesTested: ['1.33', '1.37'],
            kubernetesMinimum: '1.32',
          },
        ]),
      });
      const out = await run(withRows, {
        istioVersion: '1.31.2',
        kubernetesVersion: 'v1.33.2',
      });
      expect(out).toMatchObject({
        verdict: 'supported',
        reasons: [],
        endOfLife: '2027-03-31',
        endOfLifeExpected: false,
      });
    });
  });

  it('refuses to run with neither a Kubernetes version nor a cluster', async () => {
    const error = await failure(
      run(action, {
        istioVersion: '1.30.1',
        kubernetesVersion: '',
        cluster: '',
      }),
    );
    expect(error.name).toBe('InputError');
    expect(error.message).toBe(
      'Give a kubernetesVersion, or a cluster to read it from',
    );
  });

  it('accepts only a configured cluster name, never a URL (the input schema the scaffolder validates)', () => {
    const valid = (input: object) =>
      validate(input, action.schema!.input as object).valid;
    expect(valid({ istioVersion: '1.30.1', cluster: 'demo' })).toBe(true);
    expect(valid({ istioVersion: '1.30.1', cluster: '' })).toBe(true);
    expect(
      valid({ istioVersion: '1.30.1', cluster: 'https://evil.test' }),
    ).toBe(false);
    expect(valid({ istioVersion: '1.30.1', cluster: '../demo' })).toBe(false);
  });

  describe('with a cluster', () => {
    it("reads the demo cluster's Kubernetes version and istiod's Istio version (third example)", async () => {
      const out = await run(withCluster(), inputOf(examples[2]));
      expect(out).toEqual({
        verdict: 'supported',
        reasons: [],
        matrixAsOf: '2026-11-01',
        kubernetesTested: '1.32–1.36',
        endOfLife: '2026-11-30',
        endOfLifeExpected: true,
        kubernetesVersion: demo.scenario.kubernetesVersion,
        kubernetesVersionSource: 'cluster',
        clusterIstio: { versions: ['1.28.1'] },
      });
      expect(demo.scenario.kubernetesVersion).toBe('v1.33.2');
    });

    it('checks the version read against the matrix: fails when the cluster is too new for the release', async () => {
      const error = await failure(
        run(withCluster(), { istioVersion: '1.24.2', cluster: 'demo' }),
      );
      expect(error.message).toMatch(
        /^Istio 1\.24\.2 is not supported on Kubernetes v1\.33\.2: /,
      );
    });

    it('uses a given Kubernetes version without asking the cluster', async () => {
      const before = demo.requestCount();
      const out = await run(withCluster(), {
        istioVersion: '1.30.1',
        kubernetesVersion: 'v1.34.0',
        cluster: 'demo',
      });
      expect(out.kubernetesVersion).toBe('v1.34.0');
      expect(out.kubernetesVersionSource).toBe('input');
      expect(out.clusterIstio).toBeUndefined();
      expect(demo.requestCount()).toBe(before);
    });

    it('fails for a cluster that is not configured, without any request', async () => {
      const before = demo.requestCount();
      const error = await failure(
        run(withCluster(), { istioVersion: '1.30.1', cluster: 'prod' }),
      );
      expect(error.name).toBe('NotFoundError');
      expect(error.message).toBe("No cluster named 'prod' is configured");
      expect(demo.requestCount()).toBe(before);
    });

    it('fails when no clusters are given to the action at all', async () => {
      const error = await failure(
        run(action, { istioVersion: '1.30.1', cluster: 'demo' }),
      );
      expect(error.name).toBe('NotFoundError');
    });

    it('fails with a sanitized message when the cluster answers 401, never the upstream body or a 401 of ours', async () => {
      demo.setFaults([
        {
          pathPattern: '^/version$',
          status: 401,
          message: 'token demo-reader-token is not valid for upstream-detail',
        },
      ]);
      const error = await failure(
        run(withCluster(), { istioVersion: '1.30.1', cluster: 'demo' }),
      );
      expect(error.name).toBe('ServiceUnavailableError');
      expect(error.message).toBe(
        "Could not read the Kubernetes version of cluster 'demo': the cluster rejected the credentials sent (401)",
      );
    });

    it('fails with a timeout when the cluster hangs', async () => {
      demo.setFaults([{ pathPattern: '^/version$', hang: true }]);
      const started = Date.now();
      const error = await failure(
        run(withCluster(), { istioVersion: '1.30.1', cluster: 'demo' }),
      );
      expect(error.name).toBe('ServiceUnavailableError');
      expect(error.message).toBe(
        "Could not read the Kubernetes version of cluster 'demo': no answer within the time limit",
      );
      // istio.requestTimeoutMs of the test config is 2 s.
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it("still checks when istiod's Deployment cannot be read, saying why its Istio version is unknown", async () => {
      demo.setFaults([
        {
          pathPattern: '/namespaces/istio-system/deployments$',
          status: 403,
          message: 'forbidden: upstream-detail',
        },
      ]);
      const out = await run(withCluster(), {
        istioVersion: '1.30.1',
        cluster: 'demo',
      });
      expect(out.verdict).toBe('supported');
      expect(out.kubernetesVersion).toBe('v1.33.2');
      expect(out.clusterIstio).toEqual({
        versions: [],
        unknownReason:
          'could not list istiod Deployments: the configured credentials may not read this (403)',
      });
    });

    it('makes no request when the task is already cancelled', async () => {
      const controller = new AbortController();
      controller.abort();
      const before = demo.requestCount();
      const error = await failure(
        run(
          withCluster(),
          { istioVersion: '1.30.1', cluster: 'demo' },
          { signal: controller.signal },
        ),
      );
      expect(error.name).toBe('AbortError');
      expect(demo.requestCount()).toBe(before);
    });
  });
});
