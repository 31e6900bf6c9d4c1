import { ConfigReader } from '@backstage/config';
import { readNamespaceProviderConfig } from './config';

const read = (namespaces?: { [key: string]: string | number }) =>
  readNamespaceProviderConfig(
    new ConfigReader(namespaces ? { istio: { catalog: { namespaces } } } : {}),
  );

describe('readNamespaceProviderConfig', () => {
  it('has defaults', () => {
    expect(read()).toEqual({
      frequencySeconds: 30,
      timeoutSeconds: 60,
      defaultOwner: undefined,
    });
  });

  it('reads and normalizes the keys', () => {
    expect(
      read({ frequencySeconds: 5, timeoutSeconds: 20, defaultOwner: 'ops' }),
    ).toEqual({
      frequencySeconds: 5,
      timeoutSeconds: 20,
      defaultOwner: 'group:default/ops',
    });
  });

  it.each([
    [{ frequencySeconds: 0 }, /istio.catalog.namespaces.frequencySeconds/],
    [{ timeoutSeconds: -1 }, /istio.catalog.namespaces.timeoutSeconds/],
    [{ defaultOwner: 'a:b:c' }, /istio.catalog.namespaces.defaultOwner/],
    [{ frequencySeconds: 'often' }, /frequencySeconds/],
  ])('refuses %j naming the key', (namespaces, message) => {
    expect(() => read(namespaces)).toThrow(message);
  });
});
