import { listPaged, PAGE_SIZE } from './listPaged';

describe('listPaged', () => {
  it('follows continue tokens to the end, keeping a projection of each item', async () => {
    const all = Array.from({ length: PAGE_SIZE * 2 + 7 }, (_, i) => ({
      name: `pod-${i}`,
      env: 'x'.repeat(100),
    }));
    const getJson = jest.fn(
      async (_path: string, query?: Record<string, unknown>) => {
        const from = Number(query?.continue ?? 0);
        const limit = Number(query?.limit);
        const next = from + limit < all.length ? String(from + limit) : '';
        return {
          items: all.slice(from, from + limit),
          metadata: { continue: next },
        };
      },
    );
    const names = await listPaged(
      { getJson: getJson as never },
      '/api/v1/pods',
      (pod: { name: string }) => pod.name,
    );
    expect(names).toEqual(all.map(p => p.name));
    expect(getJson.mock.calls).toEqual([
      ['/api/v1/pods', { limit: PAGE_SIZE, continue: undefined }],
      ['/api/v1/pods', { limit: PAGE_SIZE, continue: String(PAGE_SIZE) }],
      ['/api/v1/pods', { limit: PAGE_SIZE, continue: String(PAGE_SIZE * 2) }],
    ]);
  });

  it('drops the items kept as undefined', async () => {
    const getJson = async () => ({ items: [1, 2, 3, 4] });
    expect(
      await listPaged({ getJson: getJson as never }, '/x', (n: number) =>
        n % 2 === 0 ? n : undefined,
      ),
    ).toEqual([2, 4]);
  });

  it('fails as a whole when a page fails (never a partial list)', async () => {
    let calls = 0;
    const getJson = async () => {
      calls++;
      if (calls === 2) throw new Error('410 Gone: continue token expired');
      return { items: [1], metadata: { continue: 'more' } };
    };
    await expect(
      listPaged({ getJson: getJson as never }, '/x', x => x),
    ).rejects.toThrow('410');
  });
});
