import { ConfigReader } from '@backstage/config';
import { readNamespaceProviderConfig } from './config';

type JsonObject = NonNullable<ConstructorParameters<typeof ConfigReader>[0]>;

const read = (data: JsonObject = {}) =>
  readNamespaceProviderConfig(new ConfigReader(data));
const provider = (istio: JsonObject) => ({ catalog: { providers: { istio } } });

describe('readNamespaceProviderConfig', () => {
  it('defaults to a read every 30 s with a 60 s timeout and no default owner', () => {
    expect(read()).toEqual({
      schedule: { frequency: { seconds: 30 }, timeout: { seconds: 60 } },
    });
    expect(read(provider({}))).toEqual(read());
  });

  it('reads the schedule block as Backstage reads a task schedule, and normalizes the owner', () => {
    expect(
      read(
        provider({
          schedule: {
            frequency: { cron: '*/5 * * * *' },
            timeout: 'PT2M',
            initialDelay: { seconds: 15 },
            scope: 'local',
          },
          defaultOwner: 'ops',
        }),
      ),
    ).toEqual({
      schedule: {
        frequency: { cron: '*/5 * * * *' },
        timeout: expect.objectContaining({ minutes: 2 }),
        initialDelay: { seconds: 15 },
        scope: 'local',
      },
      defaultOwner: 'group:default/ops',
    });
  });

  it.each([
    [
      { schedule: { frequency: { minutes: 1 } } },
      /providers.istio.schedule.*timeout/,
    ],
    [
      { schedule: { frequency: { minutes: 1 }, timeout: 'soon' } },
      /catalog.providers.istio.schedule/,
    ],
    [
      {
        schedule: {
          frequency: { minutes: 1 },
          timeout: { minutes: 1 },
          scope: 'cluster',
        },
      },
      /catalog.providers.istio.schedule.*scope/,
    ],
    [{ defaultOwner: 'a:b:c' }, /catalog.providers.istio.defaultOwner/],
    [{ defaultOwner: 7 }, /defaultOwner/],
  ])('refuses %j naming the key', (istio, message) => {
    expect(() => read(provider(istio))).toThrow(message);
  });

  it.each([
    [
      'frequencySeconds',
      { frequencySeconds: 30 },
      'catalog.providers.istio.schedule.frequency',
    ],
    [
      'timeoutSeconds',
      { timeoutSeconds: 60 },
      'catalog.providers.istio.schedule.timeout',
    ],
    [
      'defaultOwner',
      { defaultOwner: 'group:default/ops' },
      'catalog.providers.istio.defaultOwner',
    ],
  ])(
    'refuses the former istio.catalog.namespaces.%s, naming the key that replaced it',
    (key, namespaces, replacement) => {
      expect(() => read({ istio: { catalog: { namespaces } } })).toThrow(
        `replace istio.catalog.namespaces.${key} with ${replacement}`,
      );
    },
  );

  it('refuses the former section even next to the new one, or empty', () => {
    expect(() =>
      read({
        ...provider({ defaultOwner: 'ops' }),
        istio: { catalog: { namespaces: { defaultOwner: 'ops' } } },
      }),
    ).toThrow(/catalog.providers.istio.defaultOwner/);
    expect(() => read({ istio: { catalog: {} } })).toThrow(
      /istio.catalog is no longer read; set catalog.providers.istio.schedule .* and catalog.providers.istio.defaultOwner/,
    );
  });
});
