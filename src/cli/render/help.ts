// --help as text: sections of paragraphs and two-column rows, every line wrapped to the width given
// (the terminal's, or 80 off one). Pure: run-cli.ts builds the model and picks the width.

export interface HelpRow {
  /** The term: a flag with its value hint, a command, a variable. */
  term: string;
  text: string;
}

export interface HelpSection {
  title: string;
  rows?: readonly HelpRow[];
  /** Lines printed as they are (examples), or paragraphs that wrap (with `wrap`). */
  lines?: readonly string[];
  wrap?: boolean;
}

export interface HelpModel {
  /** The first paragraph: what the command does. */
  summary: string;
  usage: string;
  sections: readonly HelpSection[];
}

const INDENT = "  ";
const GUTTER = 2;
/** A term longer than this puts its text on the next line instead of pushing the column right. */
const MAX_TERM_COLUMN = 24;
const MIN_TEXT_WIDTH = 24;

/** "[env BERTH_X]" is one word: it never breaks across lines, so it can be read and searched for whole. */
const WORD = /\[env [^\]\s]+\]|\S+/g;

/** A word wider than the line breaks after its last '=', ',' or '/' that fits; one without any stays whole. */
function splitLongWord(word: string, width: number): string[] {
  if (word.length <= width || word.startsWith("[env ")) return [word];
  const breakAt = Math.max(...["=", ",", "/"].map((character) => word.lastIndexOf(character, width - 1)));
  if (breakAt <= 0) return [word];
  return [word.slice(0, breakAt + 1), ...splitLongWord(word.slice(breakAt + 1), width)];
}

/** Greedy word wrap; a word longer than the width stays whole on its own line unless it can break. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of (text.match(WORD) ?? []).flatMap((whole) => splitLongWord(whole, width))) {
    if (line === "") line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}

/** A command line too long for the width goes on with a shell continuation, so it can still be pasted. */
function continued(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const parts = wrapWords(line, width - 6); // room for the indent and " \\" of continuation lines
  return parts.map((part, index) => (index === 0 ? part : `    ${part}`)).map((part, index, all) => (index < all.length - 1 ? `${part} \\` : part));
}

function renderRows(rows: readonly HelpRow[], width: number): string[] {
  // The term column is as wide as the longest term that fits beside a readable text column.
  const cap = Math.min(MAX_TERM_COLUMN, width - INDENT.length - GUTTER - MIN_TEXT_WIDTH);
  const fitting = rows.map((row) => row.term.length).filter((length) => length <= cap);
  const column = INDENT.length + (fitting.length > 0 ? Math.max(...fitting) : cap) + GUTTER;
  const textWidth = Math.max(MIN_TEXT_WIDTH, width - column);
  const pad = " ".repeat(column);
  const out: string[] = [];
  for (const row of rows) {
    const wrapped = wrapWords(row.text, textWidth);
    const head = `${INDENT}${row.term}`;
    if (head.length + GUTTER <= column) out.push(head.padEnd(column) + wrapped[0]);
    else out.push(head, pad + wrapped[0]);
    for (const rest of wrapped.slice(1)) out.push(pad + rest);
  }
  return out;
}

/** Section titles in bold on a terminal that wants colour; plain otherwise. */
const heading = (title: string, bold: boolean) => (bold ? `\x1b[1m${title.toUpperCase()}\x1b[22m` : title.toUpperCase());

function renderSection(section: HelpSection, width: number, bold: boolean): string[] {
  const body: string[] = [];
  if (section.lines) {
    for (const line of section.lines) {
      if (!section.wrap) body.push(...continued(line, width - INDENT.length).map((part) => `${INDENT}${part}`));
      else body.push(...wrapWords(line, width - INDENT.length).map((part) => `${INDENT}${part}`));
    }
  }
  if (section.rows && section.rows.length > 0) body.push(...renderRows(section.rows, width));
  if (body.length === 0) return [];
  return section.title === "" ? [...body, ""] : [heading(section.title, bold), ...body, ""];
}

export function renderHelp(model: HelpModel, width: number, bold = false): string {
  const lines = [...wrapWords(model.summary, width), "", heading("usage", bold), `${INDENT}${model.usage}`, ""];
  for (const section of model.sections) lines.push(...renderSection(section, width, bold));
  return `${lines.join("\n").trimEnd()}\n`;
}

/** The width to wrap to: $COLUMNS when set, else the terminal's, else 80; never narrower than 40. */
export function helpWidth(columnsVariable: string | undefined, terminalColumns: number | undefined): number {
  const fromVariable = columnsVariable !== undefined && /^\d+$/.test(columnsVariable) ? Number(columnsVariable) : undefined;
  return Math.max(40, fromVariable ?? terminalColumns ?? 80);
}
