import { Console } from 'node:console';
import type { Logger } from '../config/index.js';

const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/**
 * For the MCP server, whose stdout is the protocol. Libraries write with `console` (the NATS
 * client logs its reader failing with console.log), so console goes to stderr. And what still
 * escapes an owner — every loop and callback has one; this is the backstop — is logged, and the
 * server keeps answering rather than dying mid-session.
 */
export function guardProcess(logger: Logger): void {
  globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
  // Once stderr's reader is gone (EPIPE) there is nowhere to log to: reporting that as an uncaught
  // error would log it, fail again and loop, and the process would spin instead of serving.
  process.stderr.on('error', () => {});
  process.on('uncaughtException', (error) => logger.error('uncaught exception', { error: describe(error) }));
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { error: describe(reason) }));
}
