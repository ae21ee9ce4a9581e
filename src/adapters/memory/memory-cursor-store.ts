import type { CursorStore } from '../../ports/index.js';

export class MemoryCursorStore implements CursorStore {
  private readonly cursors = new Map<string, number>();

  async get(namespace: string, guid: string, channel: string): Promise<number> {
    return this.cursors.get(`${namespace}/${guid}/${channel}`) ?? 0;
  }

  async advance(namespace: string, guid: string, channel: string, sequence: number): Promise<void> {
    const key = `${namespace}/${guid}/${channel}`;
    if (sequence > (this.cursors.get(key) ?? 0)) this.cursors.set(key, sequence);
  }
}
