export * from './event-store.port.js';
export * from './message-bus.port.js';
export * from './registry-store.port.js';
export * from './cursor-store.port.js';
export * from './clock.port.js';
export * from './ids.port.js';
export * from './connection.port.js';
export * from './quarantine.port.js';
