import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createCheckVersionAction } from './checkVersion';
import { examples } from './checkVersion.examples';

const action = createCheckVersionAction({
  now: () => new Date('2026-11-25T00:00:00Z'),
});

function inputOf(example: { example: string }) {
  return yaml.parse(example.example).steps[0].input;
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
  });

  it('fails the task for the seed pair: Istio 1.11 has been end of life since 2022', async () => {
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
  });
});
