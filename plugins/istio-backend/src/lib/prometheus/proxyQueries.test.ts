import {
  PrometheusClient,
  type PrometheusSample,
} from '@istio-backstage/plugin-istio-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  memoryFitSums,
  observedEdges,
  proxyWindowMemory,
} from './proxyQueries';
import { MalformedPrometheusAnswerError } from './samples';

/** A client answering each query with what `answer` gives for it. */
const answering = (answer: (promql: string) => unknown[]) =>
  ({
    query: async (promql: string) => answer(promql) as PrometheusSample[],
  } as unknown as PrometheusClient);

const edge = (workload: string, value: unknown) => ({
  metric: {
    source_workload_namespace: 'istio-demo',
    source_workload: workload,
    destination_service_namespace: 'istio-demo',
    destination_service: 'details.istio-demo.svc.cluster.local',
    destination_service_name: 'details',
  },
  value,
});

describe('Prometheus answers with a malformed item', () => {
  it('reads well-formed samples, destinations without labels as unknown', async () => {
    const edges = await observedEdges(
      answering(promql =>
        promql.includes('istio_requests_total')
          ? [
              edge('productpage-v1', 12.4),
              {
                metric: {
                  source_workload_namespace: 'istio-demo',
                  source_workload: 'reviews-v1',
                },
                value: 3,
              },
            ]
          : [],
      ),
      'istio-demo',
      7,
    );
    expect(
      edges.map(e => [e.sourceWorkload, e.destinationService, e.count]),
    ).toEqual([
      ['productpage-v1', 'details.istio-demo.svc.cluster.local', 12],
      ['reviews-v1', 'unknown', 3],
    ]);
  });

  it.each([
    ['a NaN value', edge('productpage-v1', Number.NaN), /item 1: value/],
    [
      'a value that is not a number',
      edge('productpage-v1', '12'),
      /item 1: value/,
    ],
    ['an infinite value', edge('productpage-v1', Infinity), /item 1: value/],
    ['no labels', { value: 3 }, /item 1: metric: Required/],
    [
      'a required label missing',
      { metric: { source_workload_namespace: 'istio-demo' }, value: 3 },
      /item 1: metric\.source_workload: Required/,
    ],
    [
      'a label that is not a string',
      { metric: { ...edge('x', 1).metric, destination_service: 7 }, value: 1 },
      /item 1: metric\.destination_service/,
    ],
    ['an item that is not an object', null, /item 1: /],
  ])(
    'refuses the traffic answer with %s, naming the item',
    async (_, bad, problem) => {
      const reading = observedEdges(
        answering(() => [edge('productpage-v1', 5), bad]),
        'istio-demo',
        7,
      );
      await expect(reading).rejects.toBeInstanceOf(
        MalformedPrometheusAnswerError,
      );
      await expect(reading).rejects.toThrow(problem);
      await expect(reading).rejects.toThrow(
        /^Prometheus answered a malformed sample for (HTTP calls|TCP connections) \(.*\); its figures are not used$/,
      );
    },
  );

  it('refuses the memory over the window when one query has a pod without its label', async () => {
    const reading = proxyWindowMemory(
      answering(promql =>
        promql.includes('envoy_server_memory_allocated')
          ? [{ metric: {}, value: 1e6 }]
          : [{ metric: { pod: 'productpage-v1-abc' }, value: 5e7 }],
      ),
      'istio-demo',
      7,
    );
    await expect(reading).rejects.toThrow(
      'Prometheus answered a malformed sample for Envoy allocated memory (item 0: metric.pod: Required); its figures are not used',
    );
  });

  it('refuses the memory fit on a NaN working set rather than fitting it', async () => {
    const sample = (value: number) => ({
      metric: { namespace: 'istio-demo', pod: 'productpage-v1-abc' },
      value,
    });
    const reading = memoryFitSums(
      answering(promql =>
        promql.includes('container_memory_working_set_bytes')
          ? [sample(Number.NaN)]
          : [sample(120)],
      ),
    );
    await expect(reading).rejects.toThrow(
      /malformed sample for the istio-proxy working set \(item 0: value: Expected number, received nan\)/,
    );
    await expect(
      memoryFitSums(answering(() => [sample(120)])),
    ).resolves.toMatchObject({ n: 1 });
  });

  describe('through the Prometheus client', () => {
    let server: http.Server;
    let body = '';
    let url = '';
    beforeAll(async () => {
      server = http.createServer((_req, res) => res.end(body));
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise(resolve => server.close(resolve)));

    const vector = (result: unknown[]) =>
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result },
      });

    it.each([
      ['"NaN"', [1, 'NaN']],
      ['"+Inf"', [1, '+Inf']],
      ['not a number', [1, 'lots']],
    ])('refuses a sample whose value is %s', async (_, value) => {
      body = vector([{ metric: { pod: 'productpage-v1-abc' }, value }]);
      await expect(
        proxyWindowMemory(new PrometheusClient({ url }), 'istio-demo', 7),
      ).rejects.toBeInstanceOf(MalformedPrometheusAnswerError);
    });

    // The client itself refuses items that are not [time, "value"] with a metric.
    it.each([
      ['a value that is an object', { metric: { pod: 'p' }, value: { at: 1 } }],
      ['a sample without labels', { value: [1, '5'] }],
    ])('refuses %s', async (_, item) => {
      body = vector([item]);
      await expect(
        proxyWindowMemory(new PrometheusClient({ url }), 'istio-demo', 7),
      ).rejects.toThrow('Prometheus answered a malformed vector item (item 0)');
    });
  });
});
