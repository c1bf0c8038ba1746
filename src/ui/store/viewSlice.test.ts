import { describe, expect, it } from 'vitest';
import { adjacentView, MAIN_VIEWS, parseView, viewTitles } from './viewSlice.ts';

describe('main pane views', () => {
  it('opens on the live curves and titles every view', () => {
    expect(MAIN_VIEWS[0]).toBe('curves');
    expect(Object.keys(viewTitles).sort()).toEqual([...MAIN_VIEWS].sort());
  });

  it('reads a view name, and nothing else, as a view', () => {
    expect(parseView('study')).toBe('study');
    expect(parseView('Study')).toBeNull();
    expect(parseView(undefined)).toBeNull();
    expect(parseView('toString')).toBeNull();
  });

  it('moves between tabs in order, wrapping at both ends', () => {
    expect(adjacentView('curves', 1)).toBe('scores');
    expect(adjacentView('scores', 1)).toBe('compare');
    expect(adjacentView('curves', -1)).toBe(MAIN_VIEWS.at(-1));
    expect(adjacentView(MAIN_VIEWS.at(-1)!, 1)).toBe('curves');
  });
});
