import type { StandaloneIo } from './command.js';

/** stdin and stdout of this process; output is flushed before the caller exits. */
export const processIo: StandaloneIo = {
  async readStdin(limit) {
    if (process.stdin.isTTY) return '';
    let text = '';
    for await (const chunk of process.stdin) {
      text += String(chunk);
      if (text.length > limit) throw new Error(`stdin is larger than ${limit} bytes`);
    }
    return text;
  },
  out: (text) =>
    new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve()))),
};
