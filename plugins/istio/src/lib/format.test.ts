import { formatBytes, jaegerSearchUrl } from './format';

describe('formatBytes', () => {
  it.each([
    [undefined, 'unknown'],
    [512, '512 B'],
    [118 * 1024, '118 KiB'],
    [38.5 * 1024 * 1024, '38.5 MiB'],
    [231 * 1024 * 1024, '231 MiB'],
  ])('%s → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('jaegerSearchUrl', () => {
  it('searches the Istio service name', () => {
    expect(
      jaegerSearchUrl('https://jaeger.example.com', 'productpage.istio-demo'),
    ).toBe(
      'https://jaeger.example.com/search?service=productpage.istio-demo&lookback=1h&limit=20',
    );
  });
});
