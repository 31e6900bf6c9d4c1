import { listPaged, PAGE_SIZE } from './listPaged';

describe('listPaged', () => {
  it('follows continue tokens to the end, keeping a projection of each item', async () => {
    const all = Array.from({ length: PAGE_SIZE * 2 + 7 }, (_, i) => ({
      name: `pod-${i}`,
      env: 'x'.repeat(100),
    }));
    const readPage = jest.fn(
      async ({ limit, _continue }: { limit: number; _continue?: string }) => {
        const from = Number(_continue ?? 0);
        const next = from + limit < all.length ? String(from + limit) : '';
        return {
          items: all.slice(from, from + limit),
          metadata: { _continue: next },
        };
      },
    );
    const names = await listPaged(readPage, pod => pod.name);
    expect(names).toEqual(all.map(p => p.name));
    expect(readPage.mock.calls.map(([o]) => o)).toEqual([
      { limit: PAGE_SIZE },
      { limit: PAGE_SIZE, _continue: String(PAGE_SIZE) },
      { limit: PAGE_SIZE, _continue: String(PAGE_SIZE * 2) },
    ]);
  });

  it('fails as a whole when a page fails (never a partial list)', async () => {
    let calls = 0;
    await expect(
      listPaged(
        async () => {
          calls++;
          if (calls === 2) throw new Error('410 Gone: continue token expired');
          return { items: [1], metadata: { _continue: 'more' } };
        },
        x => x,
      ),
    ).rejects.toThrow('410');
  });
});
