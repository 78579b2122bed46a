/**
 * The text encoding of a file that does not say, from its first bytes. A byte order mark decides
 * (UTF-8, UTF-16 LE/BE). Bytes that are valid UTF-8 are UTF-8. Otherwise the high bytes are
 * weighed as the two code pages Excel saves CSV in for our users: Windows-1251 (Russian,
 * Ukrainian, Bulgarian...), where Cyrillic words are runs of bytes 0xC0-0xFF, and Windows-1257
 * (Lithuanian, Latvian, Estonian), where a letter with a diacritic sits among ASCII letters. A
 * file that fits neither (a UTF-8 file with a damaged byte, say) stays UTF-8, so that the damaged
 * record is rejected naming its line and field instead of being stored as mojibake.
 */
export interface EncodingGuess {
  encoding: string;
  /** How it was found: a byte order mark, valid UTF-8, or the code page the high bytes fit. */
  reason: 'bom' | 'utf-8' | 'guessed' | 'default';
}

export function detectEncoding(head: Uint8Array): EncodingGuess {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', reason: 'bom' };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', reason: 'bom' };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', reason: 'bom' };
  const { valid, invalid } = utf8Sequences(head);
  if (invalid === 0) return { encoding: 'utf-8', reason: valid ? 'utf-8' : 'default' };
  // Mostly UTF-8 with some damage: UTF-8 it is; the damaged records are reported.
  if (valid >= invalid) return { encoding: 'utf-8', reason: 'default' };
  const guess = codePage(head);
  return guess ? { encoding: guess, reason: 'guessed' } : { encoding: 'utf-8', reason: 'default' };
}

/** Valid multi-byte UTF-8 sequences and invalid bytes; a sequence cut by the end is neither. */
function utf8Sequences(bytes: Uint8Array): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need === -1) {
      invalid++;
      continue;
    }
    if (i + need >= length) break;
    let ok = true;
    for (let k = 1; k <= need; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) ok = false;
    if (ok) {
      valid++;
      i += need;
    } else invalid++;
  }
  return { valid, invalid };
}

// Windows-1257 letters of Lithuanian, Latvian and Estonian (upper and lower case).
const BALTIC = new Set([
  0xc0, 0xc1, 0xc2, 0xc4, 0xc6, 0xc7, 0xc8, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd2, 0xd5, 0xd6, 0xd8, 0xdb, 0xdc,
  0xde, 0xe0, 0xe1, 0xe2, 0xe4, 0xe6, 0xe7, 0xe8, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf2, 0xf5, 0xf6, 0xf8, 0xfb,
  0xfc, 0xfe,
]);

const isCyrillic = (b: number) => b >= 0xc0 || b === 0xa8 || b === 0xb8;
const isAsciiLetter = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

function codePage(bytes: Uint8Array): string | undefined {
  let high = 0;
  let cyrillicInRuns = 0;
  let balticInWords = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    high++;
    const before = i > 0 ? bytes[i - 1]! : 0x20;
    const after = i + 1 < bytes.length ? bytes[i + 1]! : 0x20;
    if (isCyrillic(b) && (isCyrillic(before) || isCyrillic(after))) cyrillicInRuns++;
    if (BALTIC.has(b) && (isAsciiLetter(before) || isAsciiLetter(after))) balticInWords++;
  }
  if (high < 2) return undefined;
  if (cyrillicInRuns >= high * 0.6) return 'windows-1251';
  if (balticInWords >= high * 0.6) return 'windows-1257';
  return undefined;
}
