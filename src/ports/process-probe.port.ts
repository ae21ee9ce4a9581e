/**
 * Whether a process runs on this host: how a restarted agent learns at once that the session
 * holding its identity has died (see `holdsHandle`).
 *
 * @example
 *   probe.isAlive(12345) // false after that process exited or was killed
 */
export interface ProcessProbe {
  isAlive(pid: number): boolean;
}
