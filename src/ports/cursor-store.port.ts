/** Per agent and channel: the sequence of the last message the agent has read. */
export interface CursorStore {
  get(namespace: string, guid: string, channel: string): Promise<number>;
  /** Only ever moves forward. */
  advance(namespace: string, guid: string, channel: string, sequence: number): Promise<void>;
}
