import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { FieldList } from './FieldList';

describe('FieldList', () => {
  it('puts each label above its value, in as many columns as fit, never wider than the container', async () => {
    await renderInTestApp(
      <div style={{ width: 240 }}>
        <FieldList
          columnWidth={180}
          fields={[
            {
              label: 'Mesh status',
              value: '2 of 2 pods in the mesh',
              wide: true,
              testId: 'status',
            },
            { label: 'Pods', value: 2, testId: 'pods' },
          ]}
        />
      </div>,
    );
    const status = screen.getByTestId('status');
    expect(status.tagName).toBe('DD');
    expect(status.previousElementSibling?.tagName).toBe('DT');
    expect(status.previousElementSibling).toHaveTextContent('Mesh status');
    expect(status).toHaveTextContent('2 of 2 pods in the mesh');
    // Wraps between words; no fixed width to squeeze it into.
    expect(status).toHaveStyle({
      wordBreak: 'normal',
      overflowWrap: 'break-word',
      minWidth: '0',
    });
    expect(status.style.width).toBe('');
    expect(status.closest('table')).toBeNull();
    expect(status.parentElement).toHaveStyle({ gridColumn: '1 / -1' });
    expect(screen.getByTestId('pods').parentElement).not.toHaveStyle({
      gridColumn: '1 / -1',
    });
    // Columns of at least 180px, or the whole width when the container is narrower.
    const list = status.closest('dl')!;
    expect(list).toHaveStyle({ display: 'grid' });
    expect(getComputedStyle(list).gridTemplateColumns).toBe(
      'repeat(auto-fit, minmax(min(100%, var(--istio-field-width)), 1fr))',
    );
    expect(list.style.getPropertyValue('--istio-field-width')).toBe('180px');
  });
});
