/** Branded ids: a plain string at run time, distinct types at compile time. */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type AgentId = Brand<string, 'AgentId'>;
export type WorkItemId = Brand<string, 'WorkItemId'>;
export type ChannelName = Brand<string, 'ChannelName'>;

export const agentId = (value: string): AgentId => value as AgentId;
export const workItemId = (value: string): WorkItemId => value as WorkItemId;
export const channelName = (value: string): ChannelName => value as ChannelName;
