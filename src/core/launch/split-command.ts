// Splits `--engine-cmd "python3 -m areal.server"` into argv: whitespace separates, quotes group, no expansion.

export function splitCommand(text: string): string[] | undefined {
  const words: string[] = [];
  let current = "";
  let quote: '"' | "'" | undefined;
  let inWord = false;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === " " || char === "\t" || char === "\n") {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quote) return undefined; // an unclosed quote
  if (inWord) words.push(current);
  return words;
}
