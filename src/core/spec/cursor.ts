// A position-keeping reader over the spec text; whitespace between tokens is insignificant, as in AReaL.
// Character tests are plain comparisons: regex set-up dominated a cold `berth plan` in the compiled binary.

export const isWhitespace = (char: string): boolean => char === " " || char === "\t" || char === "\n" || char === "\r" || char === "\f" || char === "\v";
export const isDigit = (char: string): boolean => char >= "0" && char <= "9";
export const isLetter = (char: string): boolean => (char >= "a" && char <= "z") || (char >= "A" && char <= "Z");
export const isNameCharacter = (char: string): boolean => isLetter(char) || isDigit(char) || char === "_" || char === "-";

export class Cursor {
  position = 0;
  constructor(readonly text: string) {}

  skipWhitespace(): void {
    while (this.position < this.text.length && isWhitespace(this.text[this.position]!)) this.position++;
  }

  atEnd(): boolean {
    this.skipWhitespace();
    return this.position >= this.text.length;
  }

  peek(): string {
    this.skipWhitespace();
    return this.text[this.position] ?? "";
  }

  /** The next character without skipping whitespace first. */
  peekRaw(): string {
    return this.text[this.position] ?? "";
  }

  take(expected: string): boolean {
    if (this.peek() !== expected) return false;
    this.position++;
    return true;
  }

  /** Letters only, so `d4p1` yields "d" and leaves the digits. */
  readWord(): string {
    this.skipWhitespace();
    const start = this.position;
    while (isLetter(this.peekRaw())) this.position++;
    return this.text.slice(start, this.position);
  }

  readDigits(): string {
    const start = this.position;
    while (isDigit(this.peekRaw())) this.position++;
    return this.text.slice(start, this.position);
  }

  /** Describes what sits at the current position, for messages. */
  describeHere(): string {
    if (this.atEnd()) return "end of spec";
    return `'${this.peek()}'`;
  }
}
