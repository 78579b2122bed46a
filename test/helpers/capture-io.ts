import type { Io } from '../../src/cli/context.ts';

/** What a command writes, both streams in one text in the order written (tests read messages). */
export function captureIo(): Io & { text: string } {
  const io: Io & { text: string } = {
    text: '',
    stdin: process.stdin,
    out: (line) => void (io.text += `${line}\n`),
    err: (line) => void (io.text += `${line}\n`),
  };
  return io;
}
