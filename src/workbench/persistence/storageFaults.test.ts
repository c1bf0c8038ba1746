import { describe, expect, it } from 'vitest';
import { isQuotaError } from './runRecorder.ts';
import { MemoryRunStorage } from './runStorage.ts';
import { withQuotaFaults } from './storageFaults.ts';

describe('withQuotaFaults', () => {
  it('fails exactly the next N writes as a quota error, then writes reach the storage again', async () => {
    const inner = new MemoryRunStorage();
    const faults = withQuotaFaults(inner);
    faults.failNextWrites(2);
    const first = faults.storage.putValue('a', 1);
    await expect(first).rejects.toSatisfy(isQuotaError);
    await expect(faults.storage.appendEvents([])).rejects.toSatisfy(isQuotaError);
    await faults.storage.putValue('b', 2);
    expect(await inner.getValue('a')).toBeUndefined();
    expect(await inner.getValue('b')).toBe(2);
    // Reads are never failed.
    faults.failNextWrites(1);
    expect(await faults.storage.getValue('b')).toBe(2);
    expect(() => faults.failNextWrites(-1)).toThrow(RangeError);
  });

});
